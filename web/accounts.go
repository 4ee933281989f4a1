package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"

	"github.com/labstack/echo/v4"

	"admincenter/internal/domain"
	"admincenter/internal/store"
	"admincenter/views"
)

func (s *Server) handleAccountList(c echo.Context) error {
	ctx := c.Request().Context()
	u := currentUser(c)
	v := views.AccountsView{Tab: c.QueryParam("tab"), Query: c.QueryParam("q"), Status: c.QueryParam("status"), Sort: c.QueryParam("sort"),
		CanCreate: u.Managed(), From: positiveInt(c.QueryParam("from"), 1)}
	switch v.Tab {
	case "":
		v.Tab = "managed"
	case "managed", "independent", "pending":
	default:
		return echo.ErrNotFound
	}
	counts, err := s.store.CountAccounts(ctx, u.OrgSID)
	if err != nil {
		return err
	}
	v.Counts = [3]int{counts.Managed, counts.Independent, counts.Pending}
	status, cursor := http.StatusOK, c.QueryParam("cursor")
	// Bad input in the address (a hand-edited link) shows the first page with what was wrong.
	if v.Status != "" && !domain.ValidAccountStatus(v.Status) {
		s.flashNow(c, "error", loc(c).T("accounts.list.bad_status", "Status", v.Status))
		v.Status, cursor, status = "", "", http.StatusUnprocessableEntity
	}
	if !domain.ValidAccountSort(v.Sort) {
		s.flashNow(c, "error", loc(c).T("accounts.list.bad_sort", "Sort", v.Sort))
		v.Sort, cursor, status = "", "", http.StatusUnprocessableEntity
	}
	if cursor == "" {
		v.From = 1
	}
	if v.Tab == "pending" {
		page, err := s.store.ListAccountRequestPage(ctx, u.OrgSID, cursor, domain.PageSize)
		if errors.Is(err, domain.ErrBadCursor) {
			s.flashNow(c, "error", loc(c).T("accounts.list.bad_cursor"))
			status = http.StatusUnprocessableEntity
			page, err = s.store.ListAccountRequestPage(ctx, u.OrgSID, "", domain.PageSize)
		}
		if err != nil {
			return err
		}
		v.Pending.Requests, v.Pending.Now = page.Requests, s.store.Now()
		v.Shown, v.Total = len(page.Requests), v.Counts[2]
		v.NextURL, v.PrevURL = listURL(v, page.Next, v.From+len(page.Requests)), listURL(v, page.Prev, v.From-domain.PageSize)
		return s.render(c, status, views.AccountsPage(s.page(c, loc(c).T("accounts.title.pending"), "accounts"), v))
	}
	f := store.AccountFilter{OrgSID: u.OrgSID, Relation: v.Tab, Query: v.Query, Status: v.Status, Sort: v.Sort, Cursor: cursor, Brief: true}
	page, err := s.store.ListAccounts(ctx, f)
	if errors.Is(err, domain.ErrBadCursor) {
		s.flashNow(c, "error", loc(c).T("accounts.list.bad_cursor"))
		status, f.Cursor, v.From = http.StatusUnprocessableEntity, "", 1
		page, err = s.store.ListAccounts(ctx, f)
	}
	if err != nil {
		return err
	}
	v.Accounts = page.Accounts
	v.Rows = renderedRows(ctx, &page.Rows, views.AccountRows(page.Accounts))
	// The position: the unfiltered total from the counter tables. A search or a status filter is
	// not counted: counting reads an index entry for every account it passes (a common word's
	// matches up to 1,000 took half the CPU of the uncached mixed load), so its total is known on
	// its last page and is "50+" before it.
	v.Shown, v.Total = len(page.Accounts), v.Counts[0]
	if v.Tab == "independent" {
		v.Total = v.Counts[1]
	}
	if v.Query != "" || v.Status != "" {
		v.Total, v.TotalCapped = max(v.From+v.Shown-1, v.Shown), page.Next != ""
		if f.Cursor == "" {
			v.Total = v.Shown
		}
	}
	v.NextURL, v.PrevURL = listURL(v, page.Next, v.From+len(page.Accounts)), listURL(v, page.Prev, v.From-domain.PageSize)
	title := loc(c).T("accounts.title")
	if v.Tab == "independent" {
		title = loc(c).T("accounts.title.independent")
	}
	return s.render(c, status, views.AccountsPage(s.page(c, title, "accounts"), v))
}

// flashNow shows a message on the page being rendered.
func (s *Server) flashNow(c echo.Context, kind, msg string) {
	c.Set("flash_now", append(nowFlashes(c), views.Flash{Kind: kind, Message: msg}))
}

func nowFlashes(c echo.Context) []views.Flash {
	f, _ := c.Get("flash_now").([]views.Flash)
	return f
}

// listURL is the Accounts page with the same tab, search, filter and order at another cursor,
// whose first row is the from-th of the list (the links carry the position, which a keyset page
// does not know by itself).
func listURL(v views.AccountsView, cursor string, from int) string {
	if cursor == "" {
		return ""
	}
	q := url.Values{"tab": {v.Tab}, "cursor": {cursor}, "from": {strconv.Itoa(max(from, 1))}}
	if v.Query != "" {
		q.Set("q", v.Query)
	}
	if v.Status != "" {
		q.Set("status", v.Status)
	}
	if v.Sort != "" {
		q.Set("sort", v.Sort)
	}
	return "/admin/accounts?" + q.Encode()
}

// positiveInt reads a positive number from a query parameter, or def.
func positiveInt(s string, def int) int {
	if n, err := strconv.Atoi(s); err == nil && n > 0 && n < 1<<30 {
		return n
	}
	return def
}

var createFields = []string{"friendly_name", "type", "flex_region", "flex_terms"}

func (s *Server) handleAccountNew(c echo.Context) error {
	return s.render(c, http.StatusOK, views.CreateAccountPage(s.page(c, loc(c).T("accounts.title.create"), "accounts"), views.Form{}))
}

func (s *Server) handleAccountCreate(c echo.Context) error {
	in := domain.CreateAccountInput{FriendlyName: c.FormValue("friendly_name"), Type: formType(c),
		FlexRegion: c.FormValue("flex_region"), FlexTerms: c.FormValue("flex_terms") == "on"}
	a, err := s.store.CreateAccount(c.Request().Context(), currentUser(c), in, clientIP(c))
	if isInvalid(err) {
		f := formOf(c, err, createFields...)
		f.Values["type"] = in.Type
		return s.render(c, http.StatusUnprocessableEntity, views.CreateAccountPage(s.page(c, loc(c).T("accounts.title.create"), "accounts"), f))
	}
	if err != nil {
		return err
	}
	return s.redirectFlash(c, "/admin/accounts/"+a.SID+"/users", loc(c).T("accounts.created", "Name", a.FriendlyName))
}

// formType reads the account type: the Flex switch posts "flex" beside the hidden "standard".
func formType(c echo.Context) string {
	form, _ := c.FormParams()
	types := form["type"]
	for _, t := range types {
		if t == domain.AccountFlex {
			return t
		}
	}
	if len(types) == 0 {
		return ""
	}
	return types[0]
}

func (s *Server) accountView(c echo.Context, tab string) (views.Page, views.AccountView, error) {
	acc := currentAccess(c)
	counts, err := s.store.CountAccountPeople(c.Request().Context(), acc.Account.SID)
	if err != nil {
		return views.Page{}, views.AccountView{}, err
	}
	p := s.page(c, loc(c).T("account.title."+tab, "Name", acc.Account.FriendlyName), "accounts")
	if !currentUser(c).OrgAdmin() {
		p.Nav = "my-accounts"
		p.Crumbs = []views.Crumb{{Label: loc(c).T("nav.my_accounts"), Href: "/accounts"}, {Label: acc.Account.FriendlyName}}
	} else {
		p.Crumbs = []views.Crumb{{Label: loc(c).T("nav.accounts"), Href: "/admin/accounts"}, {Label: acc.Account.FriendlyName}}
	}
	return p, views.AccountView{Access: acc, Tab: tab, Users: counts.Users, Pending: counts.Pending}, nil
}

func (s *Server) handleMyAccounts(c echo.Context) error {
	ctx := c.Request().Context()
	v := views.MyAccountsView{Query: c.QueryParam("q")}
	f := store.MyAccountFilter{UserSID: currentUser(c).SID, Query: v.Query, Cursor: c.QueryParam("cursor")}
	status := http.StatusOK
	page, err := s.store.ListMyAccounts(ctx, f)
	if errors.Is(err, domain.ErrBadCursor) || isInvalid(err) {
		// A hand-edited link or an overlong search shows the first page with what was wrong.
		msg := sayError(c, err)
		if errors.Is(err, domain.ErrBadCursor) {
			msg = loc(c).T("accounts.list.bad_cursor")
		}
		s.flashNow(c, "error", msg)
		status, f.Cursor = http.StatusUnprocessableEntity, ""
		if isInvalid(err) {
			f.Query = ""
		}
		page, err = s.store.ListMyAccounts(ctx, f)
	}
	if err != nil {
		return err
	}
	v.Accounts = make([]views.MyAccount, len(page.Accounts))
	for i, m := range page.Accounts {
		v.Accounts[i] = views.MyAccount{Account: m.Account, Roles: m.Roles}
	}
	v.NextURL, v.PrevURL = myAccountsURL(v.Query, page.Next), myAccountsURL(v.Query, page.Prev)
	return s.render(c, status, views.MyAccountsPage(s.page(c, loc(c).T("nav.my_accounts"), "my-accounts"), v))
}

// myAccountsURL is My accounts with the same search at another cursor.
func myAccountsURL(query, cursor string) string {
	if cursor == "" {
		return ""
	}
	q := url.Values{"cursor": {cursor}}
	if query != "" {
		q.Set("q", query)
	}
	return "/accounts?" + q.Encode()
}
