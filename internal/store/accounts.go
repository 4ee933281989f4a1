package store

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"admincenter/internal/domain"
)

const accountColumns = `a.sid, a.friendly_name, a.type, a.status, a.owner_sid, o.email, o.name,
	coalesce(a.org_sid, ''), coalesce(a.org_relation, ''), coalesce(a.flex_region, ''),
	a.require_2fa, a.webhooks_https_only, a.pkcv_required, coalesce(a.status_before_closure, ''),
	a.closes_at, a.created_at, a.updated_at`

const accountFrom = ` FROM accounts a JOIN users o ON o.sid = a.owner_sid `

// briefAccountColumns is the Accounts list's projection (AccountFilter.Brief): the list indexes
// hold each of them (0012a), and the owner's email and name come from the covering users_sid_names
// (which SQLite would not pick over the SID's unique index by itself), so a page of the list
// reads index pages only.
const (
	briefAccountColumns = `a.sid, a.friendly_name, a.type, a.status, a.owner_sid, o.email, o.name, a.created_at`
	briefAccountFrom    = ` FROM accounts a JOIN users o INDEXED BY users_sid_names ON o.sid = a.owner_sid `
)

// scanBriefAccount scans briefAccountColumns into a (of the organization and relation given).
func scanBriefAccount(row scanner, a *domain.Account, orgSID, relation string) error {
	var created int64
	if err := row.Scan(&a.SID, &a.FriendlyName, &a.Type, &a.Status, &a.OwnerSID, &a.OwnerEmail, &a.OwnerName, &created); err != nil {
		return err
	}
	a.OrgSID, a.Relation, a.CreatedAt = orgSID, relation, time.UnixMilli(created).UTC()
	return nil
}

// scanAccount scans accountColumns, then any extra columns into extra.
func scanAccount(row scanner, extra ...any) (*domain.Account, error) {
	var a domain.Account
	var closes, created, updated sql.NullInt64
	dest := append([]any{&a.SID, &a.FriendlyName, &a.Type, &a.Status, &a.OwnerSID, &a.OwnerEmail, &a.OwnerName,
		&a.OrgSID, &a.Relation, &a.FlexRegion, &a.Require2FA, &a.WebhooksHTTPSOnly, &a.PKCVRequired, &a.StatusBefore,
		&closes, &created, &updated}, extra...)
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	a.ClosesAt, a.CreatedAt, a.UpdatedAt = fromMS(closes), fromMS(created), fromMS(updated)
	return &a, nil
}

// CreateAccount creates a managed account of the creator's organization, owned by the creator.
func (s *Store) CreateAccount(ctx context.Context, creator *domain.User, in domain.CreateAccountInput, ip string) (*domain.Account, error) {
	if !creator.Managed() {
		return nil, domain.Errorf(domain.EForbidden, "Only members of the organization may create accounts.")
	}
	if err := in.Validate(); err != nil {
		return nil, err
	}
	now := s.Now()
	a := &domain.Account{SID: domain.NewSID(domain.PrefixAccount), FriendlyName: in.FriendlyName, Type: in.Type,
		Status: domain.StatusActive, OwnerSID: creator.SID, OwnerEmail: creator.Email, OwnerName: creator.Name,
		OrgSID: creator.OrgSID, Relation: domain.RelationManaged, FlexRegion: in.FlexRegion,
		WebhooksHTTPSOnly: true, CreatedAt: now, UpdatedAt: now}
	err := s.write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.Exec(`INSERT INTO accounts (sid, friendly_name, type, status, owner_sid, org_sid, org_relation, flex_region,
			require_2fa, webhooks_https_only, pkcv_required, created_at, updated_at)
			VALUES (?, ?, ?, 'active', ?, ?, 'managed', ?, 0, 1, 0, ?, ?)`,
			a.SID, a.FriendlyName, a.Type, a.OwnerSID, a.OrgSID, nullString(a.FlexRegion), ms(now), ms(now)); err != nil {
			return err
		}
		if _, err := tx.Exec(`INSERT INTO account_roles (sid, account_sid, user_sid, role, created_at) VALUES (?, ?, ?, 'owner', ?)`,
			domain.NewSID(domain.PrefixRoleAssignment), a.SID, creator.SID, ms(now)); err != nil {
			return err
		}
		after := map[string]any{"friendly_name": a.FriendlyName, "type": a.Type, "owner": creator.Email}
		if a.FlexRegion != "" {
			after["flex_region"] = a.FlexRegion
		}
		return s.audit(tx, auditEntry{OrgSID: a.OrgSID, Actor: userActor(creator, ip), Action: "account.create", TargetType: "account",
			TargetSID: a.SID, AccountSID: a.SID, After: after})
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

func userActor(u *domain.User, ip string) domain.Actor {
	return domain.Actor{Type: "user", SID: u.SID, Label: u.Email, IP: ip}
}

// FindAccountAccess returns the account with the SID as the user may see it, with the user's roles.
// An account the user may not see is not found, exactly like one that does not exist.
func (s *Store) FindAccountAccess(ctx context.Context, u *domain.User, sid string) (*domain.Access, error) {
	if !domain.ValidSID(domain.PrefixAccount, sid) {
		return nil, notFound("The account")
	}
	// The account and the user's roles on it are cached; whether the user may see it is
	// decided anew from the user of this request.
	type key struct{ account, user string }
	type found struct {
		account *domain.Account
		roles   []string
	}
	f, err := cachedRead(&s.cache, accountTopic(sid), key{sid, u.SID}, func() (found, error) {
		// One statement: the account and the user's roles on it from one snapshot.
		var roles string
		a, err := scanAccount(s.rowRead(ctx, `SELECT `+accountColumns+`,
			coalesce((SELECT group_concat(role) FROM account_roles WHERE account_sid = a.sid AND user_sid = ?), '')`+
			accountFrom+`WHERE a.sid = ?`, u.SID, sid), &roles)
		if errors.Is(err, sql.ErrNoRows) {
			return found{}, notFound("The account")
		}
		if err != nil {
			return found{}, err
		}
		f := found{account: a}
		if roles != "" {
			f.roles = domain.SortRoles(strings.Split(roles, ","))
		}
		return f, nil
	})
	if err != nil {
		return nil, err
	}
	a := *f.account // the caller's own copy: handlers may change what they show
	acc := &domain.Access{Account: &a, User: u, Roles: slices.Clone(f.roles)}
	if !acc.CanView() {
		return nil, notFound("The account")
	}
	return acc, nil
}

func rolesOf(tx *sql.Tx, accountSID, userSID string) ([]string, error) {
	rows, err := tx.Query(`SELECT role FROM account_roles WHERE account_sid = ? AND user_sid = ?`, accountSID, userSID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var roles []string
	for rows.Next() {
		var r string
		if err := rows.Scan(&r); err != nil {
			return nil, err
		}
		roles = append(roles, r)
	}
	return domain.SortRoles(roles), rows.Err()
}

// ListAccountUsers returns everyone with a role on the account, with their roles; given roles,
// only those who hold at least one of them.
func (s *Store) ListAccountUsers(ctx context.Context, accountSID string, roles ...string) ([]domain.AccountUser, error) {
	type key struct{ account, roles string }
	out, err := cachedRead(&s.cache, accountTopic(accountSID), key{accountSID, strings.Join(roles, ",")}, func() ([]domain.AccountUser, error) {
		return s.listAccountUsers(ctx, accountSID, roles)
	})
	return slices.Clone(out), err
}

func (s *Store) listAccountUsers(ctx context.Context, accountSID string, roles []string) ([]domain.AccountUser, error) {
	having, args := "", []any{accountSID}
	if len(roles) > 0 {
		having = ` HAVING sum(r.role IN (` + placeholders(len(roles)) + `)) > 0`
		for _, r := range roles {
			args = append(args, r)
		}
	}
	var out []domain.AccountUser
	rows, err := s.rowsRead(ctx, `SELECT `+userColumns+`, group_concat(r.role) FROM account_roles r JOIN users u ON u.sid = r.user_sid
		WHERE r.account_sid = ? GROUP BY u.sid`+having+` ORDER BY max(r.role = 'owner') DESC, u.email`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var roles string
		u, err := scanUser(rows, &roles)
		if err != nil {
			return nil, err
		}
		u.PasswordHash = ""
		out = append(out, domain.AccountUser{User: *u, Roles: domain.SortRoles(strings.Split(roles, ","))})
	}
	return out, rows.Err()
}

// AccountFilter selects a page of an organization's accounts.
type AccountFilter struct {
	OrgSID   string
	Relation string // managed or independent
	Query    string // a name fragment or an AC SID
	Status   string
	Cursor   string // from a previous page's Next or Prev
	Limit    int
	Sort     string // domain.SortNewest (the default, ""), SortOldest, SortName or SortNameDesc
	// Brief fills only what the console's Accounts list shows (SID, name, type, status, owner
	// email and name, organization, relation, created); the API, which returns every field,
	// leaves it false.
	Brief bool
}

// AccountPage is one page of accounts with the cursors of its neighbours.
type AccountPage struct {
	Accounts []*domain.Account
	Next     string
	Prev     string
	Rows     Derived // the console's rendered rows of Accounts
}

// accountCursor is a position in an Accounts list, which is ordered by creation (or by name, when
// the cursor says so), then SID.
type accountCursor struct {
	before  bool
	created int64
	name    string // set in a list sorted by name
	sid     string
}

// nameKey marks the key of a cursor in a list sorted by name: [nameKey, name, sid].
const nameKey = "name"

func parseAccountCursor(s string, byName bool) (accountCursor, error) {
	if byName {
		c, err := domain.ParseCursor(s, 3)
		if err != nil || c.Key[0] != nameKey || !domain.ValidSID(domain.PrefixAccount, c.Key[2]) {
			return accountCursor{}, domain.ErrBadCursor
		}
		return accountCursor{before: c.Before, name: c.Key[1], sid: c.Key[2]}, nil
	}
	c, err := domain.ParseCursor(s, 2)
	if err != nil {
		return accountCursor{}, err
	}
	created, err := c.Int(0)
	if err != nil || !domain.ValidSID(domain.PrefixAccount, c.Key[1]) {
		return accountCursor{}, domain.ErrBadCursor
	}
	return accountCursor{before: c.Before, created: created, sid: c.Key[1]}, nil
}

// rareMatches is how many trigram matches a name fragment may have for the search to look its
// matches up rather than scan the list index (measured at 100,000 accounts).
const rareMatches = 300

// searchPlans remembers for a while which way a search fragment is best found (its trigram
// matches counted, above): counting costs about a third of a common fragment's search, and
// paging through one search asks again and again. Either way finds the same accounts, so an
// answer a little out of date costs only time. Only the plan is kept, never a result.
type searchPlans struct {
	mu sync.Mutex
	m  map[string]searchPlan
}

type searchPlan struct {
	rare bool
	at   time.Time
}

const (
	searchPlanTTL = time.Minute
	maxPlans      = 1024
)

func (p *searchPlans) rare(q string, now time.Time) (rare, known bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	e, ok := p.m[q]
	if !ok || now.Sub(e.at) >= searchPlanTTL {
		return false, false
	}
	return e.rare, true
}

func (p *searchPlans) remember(q string, rare bool, now time.Time) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.m == nil || len(p.m) >= maxPlans {
		p.m = make(map[string]searchPlan)
	}
	p.m[q] = searchPlan{rare, now}
}

// ListAccounts returns one page of the organization's accounts, newest first, by keyset pagination.
func (s *Store) ListAccounts(ctx context.Context, f AccountFilter) (*AccountPage, error) {
	type key struct{ f AccountFilter }
	return cachedRead(&s.cache, topicLists, key{f}, func() (*AccountPage, error) { return s.listAccounts(ctx, f) })
}

func (s *Store) listAccounts(ctx context.Context, f AccountFilter) (*AccountPage, error) {
	if f.Limit <= 0 || f.Limit > domain.MaxPageSize {
		f.Limit = domain.PageSize
	}
	if f.Status != "" && !domain.ValidAccountStatus(f.Status) {
		return nil, domain.Errorf(domain.EInvalid, "Unknown status %q.", f.Status)
	}
	if !domain.ValidAccountSort(f.Sort) {
		return nil, domain.Errorf(domain.EInvalid, "Unknown order %q.", f.Sort)
	}
	byName := f.Sort == domain.SortName || f.Sort == domain.SortNameDesc
	var cur *accountCursor
	if f.Cursor != "" {
		c, err := parseAccountCursor(f.Cursor, byName)
		if err != nil {
			return nil, err
		}
		cur = &c
	}
	q := strings.TrimSpace(f.Query)
	if utf8.RuneCountInString(q) > 200 {
		return nil, domain.Fail(domain.EInvalid, domain.MsgSearchTooLong.With(200))
	}
	var list []*domain.Account
	read := func(search accountSearch, query func(string, ...any) (*sql.Rows, error)) error {
		q, args := accountListQuery(f, search, cur)
		rows, err := query(q, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		list, err = scanAccountList(rows, f)
		return err
	}
	var err error
	if s.pg {
		// PostgreSQL plans a search itself (no query to decide how): the page is one statement,
		// which needs no transaction of its own.
		search, _ := s.planAccountSearch(ctx, nil, q)
		err = read(search, func(q string, args ...any) (*sql.Rows, error) { return s.rowsRead(ctx, q, args...) })
	} else {
		err = s.read(ctx, func(tx *sql.Tx) error {
			search, err := s.planAccountSearch(ctx, tx, q)
			if err != nil {
				return err
			}
			return read(search, func(q string, args ...any) (*sql.Rows, error) { return s.queryRead(ctx, tx, q, args...) })
		})
	}
	if err != nil {
		return nil, err
	}
	page := &AccountPage{}
	key := func(a *domain.Account) []string { return []string{strconv.FormatInt(ms(a.CreatedAt), 10), a.SID} }
	if byName {
		key = func(a *domain.Account) []string { return []string{nameKey, a.FriendlyName, a.SID} }
	}
	page.Accounts, page.Next, page.Prev = keysetPage(list, f.Limit, cur != nil && cur.before, cur != nil, key)
	return page, nil
}

// accountSearch is how a page of the Accounts list finds the accounts that match a search: the
// condition on the organization and relation (written to steer SQLite to the right index) and
// the search's own conditions.
type accountSearch struct {
	scope string
	where []string
	args  []any
}

// planAccountSearch decides how to find q, a name fragment or an AC SID. Rows are found in page
// order by the organization's list index, which carries the name, so LIKE reads no table rows. A
// rare fragment (few trigram matches) is found the other way round: its matches are looked up
// and sorted.
func (s *Store) planAccountSearch(ctx context.Context, tx *sql.Tx, q string) (accountSearch, error) {
	p := accountSearch{scope: "a.org_sid = ? AND a.org_relation = ?"}
	if sid := normalizeSID(domain.PrefixAccount, q); sid != "" {
		p.where, p.args = append(p.where, "a.sid = ?"), append(p.args, sid)
		return p, nil
	}
	if q == "" {
		return p, nil
	}
	rare := false
	match := `"` + strings.ReplaceAll(q, `"`, `""`) + `"`
	// PostgreSQL plans the search itself: the fragment's LIKE (ILIKE there) is answered by a
	// trigram index of names or by the list index, whichever its statistics favour.
	if utf8.RuneCountInString(q) >= 3 && !s.pg {
		var known bool
		if rare, known = s.plans.rare(q, time.Now()); !known {
			var n int
			if err := s.queryRowRead(ctx, tx, `SELECT count(*) FROM (SELECT 1 FROM accounts_fts WHERE accounts_fts MATCH ? LIMIT ?) AS matches`, match, rareMatches).Scan(&n); err != nil {
				return p, err
			}
			rare = n < rareMatches
			s.plans.remember(q, rare, time.Now())
		}
	}
	if rare {
		p.scope = "+a.org_sid = ? AND +a.org_relation = ?"
		p.where = append(p.where, `a.sid IN (SELECT s.sid FROM accounts_fts x JOIN account_search s ON s.id = x.rowid WHERE accounts_fts MATCH ?)`)
		p.args = append(p.args, match)
	} else {
		p.where, p.args = append(p.where, `a.friendly_name LIKE ? ESCAPE '\'`), append(p.args, "%"+likeEscape(q)+"%")
	}
	return p, nil
}

// accountListQuery builds the query of one page of the list: the search, the status filter, the
// keyset condition of the cursor (nil on the first page), and one row more than the page so
// that the caller knows whether a next page exists.
func accountListQuery(f AccountFilter, search accountSearch, cur *accountCursor) (string, []any) {
	where, args := append([]string{search.scope}, search.where...), append([]any{f.OrgSID, f.Relation}, search.args...)
	if f.Status != "" {
		where, args = append(where, "a.status = ?"), append(args, f.Status)
	}
	// Each order is a key and a direction; a previous page reads the same key the other way.
	key, desc := "(a.created_at, a.sid)", true
	switch f.Sort {
	case domain.SortOldest:
		desc = false
	case domain.SortName:
		key, desc = "(a.friendly_name COLLATE NOCASE, a.sid)", false
	case domain.SortNameDesc:
		key = "(a.friendly_name COLLATE NOCASE, a.sid)"
	}
	if cur != nil && cur.before {
		desc = !desc
	}
	cmp, dir := ">", "ASC"
	if desc {
		cmp, dir = "<", "DESC"
	}
	if cur != nil {
		where = append(where, key+" "+cmp+" (?, ?)")
		if cur.name != "" {
			args = append(args, cur.name, cur.sid)
		} else {
			args = append(args, cur.created, cur.sid)
		}
	}
	order := strings.ReplaceAll(strings.Trim(key, "()"), ", ", " "+dir+", ") + " " + dir
	columns, from := accountColumns, accountFrom
	if f.Brief {
		columns, from = briefAccountColumns, briefAccountFrom
	}
	query := `SELECT ` + columns + from + `WHERE ` + strings.Join(where, " AND ") +
		` ORDER BY ` + order + ` LIMIT ?`
	return query, append(args, f.Limit+1)
}

// scanAccountList reads the rows of accountListQuery.
func scanAccountList(rows *sql.Rows, f AccountFilter) ([]*domain.Account, error) {
	var list []*domain.Account
	var brief []domain.Account
	for rows.Next() {
		if f.Brief {
			if brief == nil {
				brief = make([]domain.Account, 0, f.Limit+1) // one allocation for the page
			}
			brief = append(brief, domain.Account{})
			a := &brief[len(brief)-1]
			if err := scanBriefAccount(rows, a, f.OrgSID, f.Relation); err != nil {
				return nil, err
			}
			list = append(list, a)
			continue
		}
		a, err := scanAccount(rows)
		if err != nil {
			return nil, err
		}
		list = append(list, a)
	}
	return list, rows.Err()
}

// AccountCounts returns how many accounts each tab of the Accounts page holds.
type AccountCounts struct{ Managed, Independent, Pending int }

// CountAccounts counts the organization's managed and independent accounts and its pending
// requests, from the counter tables that triggers keep in step (migrations 0003 and 0008).
func (s *Store) CountAccounts(ctx context.Context, orgSID string) (AccountCounts, error) {
	type key struct{ org string }
	return cachedRead(&s.cache, topicLists, key{orgSID}, func() (AccountCounts, error) { return s.countAccounts(ctx, orgSID) })
}

func (s *Store) countAccounts(ctx context.Context, orgSID string) (AccountCounts, error) {
	var c AccountCounts
	err := s.rowRead(ctx, `SELECT
			coalesce((SELECT n FROM account_counts WHERE org_sid = ?1 AND relation = 'managed'), 0),
			coalesce((SELECT n FROM account_counts WHERE org_sid = ?1 AND relation = 'independent'), 0),
			coalesce((SELECT n FROM pending_request_counts WHERE org_sid = ?1), 0)`, orgSID).
		Scan(&c.Managed, &c.Independent, &c.Pending)
	return c, err
}

func likeEscape(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(s)
}

// normalizeSID returns s as a SID with the prefix when it is one, whatever the case of its hex digits.
func normalizeSID(prefix, s string) string {
	if len(s) == 34 && strings.EqualFold(s[:2], prefix) {
		if sid := prefix + strings.ToLower(s[2:]); domain.ValidSID(prefix, sid) {
			return sid
		}
	}
	return ""
}

// MyAccount is an account the user holds roles on.
type MyAccount struct {
	Account *domain.Account // SID, name and status
	Roles   []string
}

// MyAccountFilter selects a page of the accounts a user holds roles on, by name.
type MyAccountFilter struct {
	UserSID string
	Query   string // a name fragment or an AC SID
	Cursor  string // from a previous page's Next or Prev
	Limit   int
}

// MyAccountPage is one page of My accounts with the cursors of its neighbours.
type MyAccountPage struct {
	Accounts   []MyAccount
	Next, Prev string
}

// ListMyAccounts returns one page of the accounts the user holds a role on, by name (case
// folded), then SID, by keyset pagination. The role rows carry their account's name
// (0012b), so a page reads its rows in order from the user's part of one index, however many
// accounts the user has.
func (s *Store) ListMyAccounts(ctx context.Context, f MyAccountFilter) (*MyAccountPage, error) {
	if f.Limit <= 0 || f.Limit > domain.MaxPageSize {
		f.Limit = domain.PageSize
	}
	q := strings.TrimSpace(f.Query)
	if utf8.RuneCountInString(q) > 200 {
		return nil, domain.Fail(domain.EInvalid, domain.MsgSearchTooLong.With(200))
	}
	where, args := []string{"r.user_sid = ?"}, []any{f.UserSID}
	if sid := normalizeSID(domain.PrefixAccount, q); sid != "" {
		where, args = append(where, "r.account_sid = ?"), append(args, sid)
	} else if q != "" {
		where, args = append(where, `r.account_name LIKE ? ESCAPE '\'`), append(args, "%"+likeEscape(q)+"%")
	}
	// COLLATE NOCASE is the column's own on SQLite; PostgreSQL's column has none (0001_baseline).
	order, backwards := "r.account_name COLLATE NOCASE, r.account_sid", false
	if f.Cursor != "" {
		c, err := domain.ParseCursor(f.Cursor, 2)
		if err != nil {
			return nil, err
		}
		if !domain.ValidSID(domain.PrefixAccount, c.Key[1]) {
			return nil, domain.ErrBadCursor
		}
		if backwards = c.Before; backwards {
			where, order = append(where, "(r.account_name COLLATE NOCASE, r.account_sid) < (?, ?)"), "r.account_name COLLATE NOCASE DESC, r.account_sid DESC"
		} else {
			where = append(where, "(r.account_name COLLATE NOCASE, r.account_sid) > (?, ?)")
		}
		args = append(args, c.Key[0], c.Key[1])
	}
	args = append(args, f.Limit+1)
	var list []MyAccount
	err := s.read(ctx, func(tx *sql.Tx) error {
		rows, err := s.queryRead(ctx, tx, `SELECT r.account_sid, r.account_name, max(a.status), group_concat(r.role)
			FROM account_roles r INDEXED BY account_roles_user_name JOIN accounts a ON a.sid = r.account_sid
			WHERE `+strings.Join(where, " AND ")+` GROUP BY r.account_name, r.account_sid ORDER BY `+order+` LIMIT ?`, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			a := &domain.Account{}
			var roles string
			if err := rows.Scan(&a.SID, &a.FriendlyName, &a.Status, &roles); err != nil {
				return err
			}
			list = append(list, MyAccount{Account: a, Roles: domain.SortRoles(strings.Split(roles, ","))})
		}
		return rows.Err()
	})
	if err != nil {
		return nil, err
	}
	page := &MyAccountPage{}
	page.Accounts, page.Next, page.Prev = keysetPage(list, f.Limit, backwards, f.Cursor != "",
		func(m MyAccount) []string { return []string{m.Account.FriendlyName, m.Account.SID} })
	return page, nil
}

// AccountPeopleCounts is what an account's Users and Pending Users tabs hold.
type AccountPeopleCounts struct{ Users, Pending int }

// CountAccountPeople counts the people with a role on the account and its pending invitations
// (expired ones included, as the Pending Users tab lists them). Both read one account's range of
// an index: an account has tens of people, not thousands.
func (s *Store) CountAccountPeople(ctx context.Context, accountSID string) (AccountPeopleCounts, error) {
	type key struct{ sid string }
	return cachedRead(&s.cache, accountTopic(accountSID), key{accountSID}, func() (AccountPeopleCounts, error) {
		var c AccountPeopleCounts
		err := s.rowRead(ctx, `SELECT
			(SELECT count(DISTINCT user_sid) FROM account_roles WHERE account_sid = ?1),
			(SELECT count(*) FROM invitations WHERE account_sid = ?1 AND state = 'pending')`, accountSID).
			Scan(&c.Users, &c.Pending)
		return c, err
	})
}
