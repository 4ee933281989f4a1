package store

import (
	"context"
	"database/sql"
	"encoding/binary"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"modernc.org/libc"
	sqlite3 "modernc.org/sqlite/lib"

	"admincenter/internal/domain"
	"admincenter/internal/store/pgtest"
	"admincenter/internal/store/storetest"
)

// sqliteOnly skips a test of how the store uses SQLite when the tests run on PostgreSQL.
func sqliteOnly(t testing.TB) {
	t.Helper()
	if pgtest.UsePostgres() {
		t.Skip("about SQLite")
	}
}

const testPassword = storetest.Password

// testHash is the hash of testPassword, as a caller passes the store a new password.
func testHash(t testing.TB) string {
	t.Helper()
	h, err := storetest.PasswordHash(testPassword)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// openTest opens a fresh store: an SQLite file, or with TEST_DATABASE=postgres a new database on
// the test binary's PostgreSQL cluster (internal/store/pgtest), so that every test runs on each
// engine (make test runs the package twice).
func openTest(t testing.TB) *Store {
	t.Helper()
	return openTestWith(t, Options{})
}

func openTestWith(t testing.TB, opts Options) *Store {
	t.Helper()
	where := filepath.Join(t.TempDir(), "admincenter.db")
	if pgtest.UsePostgres() {
		where = pgtest.NewDatabase(t)
	}
	s, err := Open(context.Background(), where, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// newOrg creates an organization with the domain and returns its Owner.
func newOrg(t testing.TB, s *Store, name, dom string) (*domain.Organization, *domain.User) {
	t.Helper()
	o, u, err := storetest.AddOrganization(context.Background(), s, name, dom, name+" Owner", "owner@"+dom, testPassword)
	if err != nil {
		t.Fatal(err)
	}
	return o, u
}

func TestOpenUsesWALAndForeignKeys(t *testing.T) {
	sqliteOnly(t)
	s := openTest(t)
	var mode string
	var fk, sync int
	if err := s.r.QueryRow(`PRAGMA journal_mode`).Scan(&mode); err != nil {
		t.Fatal(err)
	}
	if err := s.w.QueryRow(`PRAGMA foreign_keys`).Scan(&fk); err != nil {
		t.Fatal(err)
	}
	if err := s.w.QueryRow(`PRAGMA synchronous`).Scan(&sync); err != nil {
		t.Fatal(err)
	}
	if mode != "wal" || fk != 1 || sync != 2 {
		t.Errorf("journal_mode=%s foreign_keys=%d synchronous=%d; want wal, 1, 2 (FULL)", mode, fk, sync)
	}
}

func TestSetupOnlyOnce(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	in := domain.SetupInput{OrgName: "Example", Domain: "example.com", Name: "Olive", Email: "olive@example.com", Password: testPassword}
	if _, _, err := s.Setup(ctx, in, testHash(t), ""); err != nil {
		t.Fatal(err)
	}
	in.Email = "other@example.com"
	if _, _, err := s.Setup(ctx, in, testHash(t), ""); err != ErrAlreadySetUp {
		t.Fatalf("second Setup = %v, want ErrAlreadySetUp", err)
	}
	u, err := s.FindUserByEmail(ctx, "OLIVE@Example.com")
	if err != nil {
		t.Fatal(err)
	}
	if u.OrgRole != domain.OrgRoleOwner || !u.Managed() {
		t.Errorf("owner = %+v", u)
	}
	evs, _ := storetest.AuditEvents(ctx, s, "organization.setup")
	if len(evs) != 1 {
		t.Errorf("setup audit events = %d, want 1", len(evs))
	}
}

func TestSetupRejectsBadInputAndWritesNothing(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	_, _, err := s.Setup(ctx, domain.SetupInput{OrgName: "X", Domain: "example.com", Name: "Olive", Email: "olive@other.com", Password: testPassword}, testHash(t), "")
	if domain.ErrorCode(err) != domain.EInvalid || domain.FieldErrors(err)["email"] == "" {
		t.Fatalf("err = %v, want an email field error", err)
	}
	if ok, _ := s.IsSetUp(ctx); ok {
		t.Fatal("rejected setup wrote an organization")
	}
}

func TestAccountsAreScopedToTheOrganization(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	orgA, ownerA := newOrg(t, s, "Alpha", "alpha.com")
	_, ownerB := newOrg(t, s, "Beta", "beta.com")
	a, err := s.CreateAccount(ctx, ownerA, domain.CreateAccountInput{FriendlyName: "Alpha prod", Type: "standard"}, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.FindAccountAccess(ctx, ownerB, a.SID); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("other organization's Owner: err = %v, want not found", err)
	}
	acc, err := s.FindAccountAccess(ctx, ownerA, a.SID)
	if err != nil || !acc.CanRunLifecycle() || !acc.CanTransferOwner() {
		t.Fatalf("own Owner: %v, %+v", err, acc)
	}
	page, err := s.ListAccounts(ctx, AccountFilter{OrgSID: ownerB.OrgSID, Relation: "managed"})
	if err != nil || len(page.Accounts) != 0 {
		t.Errorf("Beta lists %d accounts (err %v), want 0", len(page.Accounts), err)
	}
	page, err = s.ListAccounts(ctx, AccountFilter{OrgSID: orgA.SID, Relation: "managed", Query: a.SID})
	if err != nil || len(page.Accounts) != 1 {
		t.Errorf("search by SID found %d (err %v), want 1", len(page.Accounts), err)
	}
}

func TestListAccountsKeysetPagination(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	org, owner := newOrg(t, s, "Alpha", "alpha.com")
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	const n = 120
	for i := 0; i < n; i++ {
		s.Now = func() time.Time { return base.Add(time.Duration(i/2) * time.Minute) } // pairs share a timestamp
		if _, err := s.CreateAccount(ctx, owner, domain.CreateAccountInput{FriendlyName: fmt.Sprintf("acct %03d", i), Type: "standard"}, ""); err != nil {
			t.Fatal(err)
		}
	}
	seen := map[string]bool{}
	var pages []*AccountPage
	cur := ""
	for {
		p, err := s.ListAccounts(ctx, AccountFilter{OrgSID: org.SID, Relation: "managed", Cursor: cur})
		if err != nil {
			t.Fatal(err)
		}
		pages = append(pages, p)
		for _, a := range p.Accounts {
			if seen[a.SID] {
				t.Fatalf("account %s on two pages", a.SID)
			}
			seen[a.SID] = true
		}
		if p.Next == "" {
			break
		}
		cur = p.Next
	}
	if got, want := len(seen), n; got != want {
		t.Fatalf("walked %d accounts, want %d", got, want)
	}
	if got, want := len(pages), 3; got != want {
		t.Fatalf("%d pages, want %d", got, want)
	}
	if pages[0].Prev != "" {
		t.Error("first page has a previous link")
	}
	back, err := s.ListAccounts(ctx, AccountFilter{OrgSID: org.SID, Relation: "managed", Cursor: pages[2].Prev})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := back.Accounts[0].SID, pages[1].Accounts[0].SID; got != want {
		t.Errorf("previous of page 3 starts at %s, want %s", got, want)
	}
	if _, err := s.ListAccounts(ctx, AccountFilter{OrgSID: org.SID, Relation: "managed", Cursor: "garbage!"}); err != domain.ErrBadCursor {
		t.Errorf("bad cursor err = %v", err)
	}
}

// A write whose code panics rolls back and gives the one writer connection back: later writes
// go through, and nothing of the panicking one was kept.
func TestWriteThatPanicsRollsBack(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	func() {
		defer func() {
			if recover() == nil {
				t.Fatal("no panic")
			}
		}()
		_ = s.write(ctx, func(tx *sql.Tx) error {
			if _, err := tx.Exec(`INSERT INTO schema_migrations (name, applied_at) VALUES ('half-done', 0)`); err != nil {
				t.Fatal(err)
			}
			panic("a bug in a store method")
		})
	}()
	wctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := s.write(wctx, func(tx *sql.Tx) error {
		_, err := tx.Exec(`INSERT INTO schema_migrations (name, applied_at) VALUES ('after', 0)`)
		return err
	}); err != nil {
		t.Fatalf("the next write: %v", err)
	}
	var n int
	if err := s.r.QueryRow(`SELECT count(*) FROM schema_migrations WHERE name = 'half-done'`).Scan(&n); err != nil || n != 0 {
		t.Errorf("the panicking write left %d rows (%v)", n, err)
	}
}

// listPending returns the organization's pending import and share requests, newest first.
func listPending(ctx context.Context, s *Store, orgSID string) ([]*domain.AccountRequest, error) {
	page, err := s.ListAccountRequestPage(ctx, orgSID, "", domain.MaxPageSize)
	if err != nil {
		return nil, err
	}
	return page.Requests, nil
}

// TestConnectionSettings: readers keep small page caches and no memory map (store.go says why);
// the writer a larger cache.
func TestConnectionSettings(t *testing.T) {
	sqliteOnly(t)
	s := openTest(t)
	for _, c := range []struct {
		name      string
		db        *sql.DB
		cache     int
		mmap      int
		queryOnly int
	}{{"reader", s.r, -readerCacheKiB, 0, 1}, {"writer", s.w, -writerCacheKiB, 0, 0}} {
		var cache, mmap, queryOnly int
		conn, err := c.db.Conn(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range []struct {
			pragma string
			dst    *int
		}{{"cache_size", &cache}, {"mmap_size", &mmap}, {"query_only", &queryOnly}} {
			if err := conn.QueryRowContext(context.Background(), "PRAGMA "+p.pragma).Scan(p.dst); err != nil {
				t.Fatal(err)
			}
		}
		conn.Close()
		if cache != c.cache || mmap != c.mmap || queryOnly != c.queryOnly {
			t.Errorf("%s: cache_size %d, mmap_size %d, query_only %d; want %d, %d, %d", c.name, cache, mmap, queryOnly, c.cache, c.mmap, c.queryOnly)
		}
	}
	if got := s.r.Stats().MaxOpenConnections; got != readers {
		t.Errorf("reader pool of %d connections, want %d", got, readers)
	}
}

// TestCachedPagesUseTheBlock: pages read by a connection sit in the block given to SQLite at
// start (sqliteconfig.go), not in memory allocated page by page.
func TestCachedPagesUseTheBlock(t *testing.T) {
	sqliteOnly(t)
	s := openTest(t)
	if _, err := s.ListAuditEvents(context.Background(), AuditFilter{OrgSID: "OR00000000000000000000000000000000"}); err != nil {
		t.Fatal(err)
	}
	tls := libc.NewTLS()
	defer tls.Close()
	counts := libc.Xcalloc(tls, 2, 8) // now, at most
	if counts == 0 {
		t.Fatal("out of memory")
	}
	defer libc.Xfree(tls, counts)
	rc := sqlite3.Xsqlite3_status64(tls, sqlite3.SQLITE_STATUS_PAGECACHE_USED, counts, counts+8, 0)
	b := libc.GoBytes(counts, 16)
	now, most := int64(binary.NativeEndian.Uint64(b)), int64(binary.NativeEndian.Uint64(b[8:]))
	if rc != sqlite3.SQLITE_OK || most == 0 {
		t.Errorf("page cache slots used: now %d, at most %d (rc %d); want some", now, most, rc)
	}
}

// A database file migrated by a newer version (a migration this binary does not know) is
// refused at start, as on PostgreSQL, rather than served with a schema it would misread.
func TestSQLiteRefusesADatabaseOfANewerVersion(t *testing.T) {
	sqliteOnly(t)
	file := filepath.Join(t.TempDir(), "admincenter.db")
	s, err := Open(context.Background(), file, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Exec(context.Background(), `INSERT INTO schema_migrations (name, applied_at) VALUES ('migrations/9999_from_the_future.sql', 0)`); err != nil {
		t.Fatal(err)
	}
	s.Close()
	_, err = Open(context.Background(), file, Options{})
	if err == nil || !strings.Contains(err.Error(), "newer version") || !strings.Contains(err.Error(), "9999_from_the_future.sql") {
		t.Errorf("err = %v, want a refusal naming the unknown migration", err)
	}
	// The same binary still opens its own database.
	s, err = Open(context.Background(), filepath.Join(t.TempDir(), "admincenter.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
}
