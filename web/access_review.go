package web

import (
	"encoding/csv"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"admincenter/internal/domain"
	"admincenter/internal/store"
	"admincenter/views"
)

// staleAfter is how long without a sign-in makes the access review flag a user.
const staleAfter = 90 * 24 * time.Hour

func reviewFilter(c echo.Context, orgSID string) store.AccessReviewFilter {
	return store.AccessReviewFilter{OrgSID: orgSID, Account: c.QueryParam("account"), User: c.QueryParam("user"),
		Role: c.QueryParam("role"), External: c.QueryParam("external") == "on", Cursor: c.QueryParam("cursor")}
}

func (s *Server) handleAccessReview(c echo.Context) error {
	u := currentUser(c)
	f := reviewFilter(c, u.OrgSID)
	if f.Role != "" && !domain.ValidAccountRole(f.Role) {
		s.flashNow(c, "error", loc(c).T("access.filter.bad_role"))
		f.Role = ""
	}
	if c.QueryParam("format") == "csv" {
		return s.exportAccessReview(c, f)
	}
	review, err := s.store.ReviewAccess(c.Request().Context(), f)
	if err != nil {
		return err
	}
	now := s.store.Now()
	v := views.AccessReviewView{Account: f.Account, User: f.User, Role: f.Role, External: f.External, Now: now,
		StaleBefore: now.Add(-staleAfter), Invitations: review.Invitations,
		NextURL: reviewURL(f, review.Next, ""), PrevURL: reviewURL(f, review.Prev, ""), CSVURL: reviewURL(f, "", "csv")}
	for _, r := range review.Rows {
		v.Rows = append(v.Rows, views.AccessRow{AccountSID: r.AccountSID, AccountName: r.AccountName, Relation: r.Relation,
			AccountStatus: r.AccountStatus, User: r.User, Roles: r.Roles, External: r.External})
	}
	return s.render(c, http.StatusOK, views.AccessReviewPage(s.page(c, loc(c).T("access.title"), "access-review"), v))
}

// reviewURL is the access review with the same filters at a cursor, or as CSV.
func reviewURL(f store.AccessReviewFilter, cursor, format string) string {
	if cursor == "" && format == "" {
		return ""
	}
	q := url.Values{}
	for k, v := range map[string]string{"account": f.Account, "user": f.User, "role": f.Role, "cursor": cursor, "format": format} {
		if v != "" {
			q.Set(k, v)
		}
	}
	if f.External {
		q.Set("external", "on")
	}
	return "/admin/access-review?" + q.Encode()
}

func csvTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

func (s *Server) exportAccessReview(c echo.Context, f store.AccessReviewFilter) error {
	f.Cursor = ""
	h := c.Response().Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", `attachment; filename="access-review-`+s.store.Now().Format("20060102")+`.csv"`)
	c.Response().WriteHeader(http.StatusOK)
	w := csv.NewWriter(c.Response())
	write := func(rec []string) error {
		for i := range rec {
			rec[i] = csvSafe(rec[i])
		}
		return w.Write(rec)
	}
	if err := write([]string{"account_sid", "account_name", "relation", "account_status", "user_sid", "email", "name", "membership",
		"user_status", "roles", "two_factor", "last_sign_in", "access", "invitation_expires"}); err != nil {
		return err
	}
	now := s.store.Now()
	err := s.store.ExportAccessReview(c.Request().Context(), f, func(r store.AccessRow) error {
		membership, tfa := "managed", "off"
		if r.External {
			membership = "external"
		}
		if r.User.TOTPEnabled {
			tfa = "on"
		}
		return write([]string{r.AccountSID, r.AccountName, r.Relation, r.AccountStatus, r.User.SID, r.User.Email, r.User.Name, membership,
			r.User.Status, strings.Join(r.Roles, " "), tfa, csvTime(r.User.LastLoginAt), "role", ""})
	}, func(inv *domain.Invitation) error {
		access := "invitation pending"
		if inv.StateAt(now) == domain.InviteExpired {
			access = "invitation expired"
		}
		return write([]string{inv.AccountSID, inv.AccountName, "", inv.AccountStatus, "", inv.Email, "", "", "",
			strings.Join(inv.Roles, " "), "", "", access, csvTime(inv.ExpiresAt)})
	})
	w.Flush()
	if err == nil {
		err = w.Error()
	}
	return err
}
