package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"admincenter/internal/domain"
	"admincenter/internal/store"
	"admincenter/views"
)

func (s *Server) handleAccountImportForm(c echo.Context) error {
	return s.render(c, http.StatusOK, views.ImportAccountPage(s.page(c, loc(c).T("accounts.title.import"), "accounts"), views.ImportAccountView{}))
}

func (s *Server) handleAccountImport(c echo.Context) error {
	r, err := s.store.RequestImport(c.Request().Context(), currentUser(c), c.FormValue("account_sid"), clientIP(c))
	return s.afterAccountRequest(c, r, err)
}

func (s *Server) handleAccountShare(c echo.Context) error {
	r, err := s.store.RequestShare(c.Request().Context(), currentUser(c), c.FormValue("account_sid"), clientIP(c))
	return s.afterAccountRequest(c, r, err)
}

// afterAccountRequest answers an import or share request: the Pending tab, or the panel again
// naming the rule that failed (and offering a share invitation when that is possible).
func (s *Server) afterAccountRequest(c echo.Context, r *domain.AccountRequest, err error) error {
	var re *store.RequestError
	if errors.As(err, &re) {
		v := views.ImportAccountView{Form: formOf(c, err, "account_sid"), Message: re.Err.Message, OfferShare: re.OfferShare,
			ShareSID: strings.TrimSpace(c.FormValue("account_sid"))}
		v.Form.Error = ""
		return s.render(c, http.StatusUnprocessableEntity, views.ImportAccountPage(s.page(c, loc(c).T("accounts.title.import"), "accounts"), v))
	}
	if err != nil {
		return err
	}
	return s.redirectFlash(c, "/admin/accounts?tab=pending", loc(c).T("accounts.requests.sent."+r.Kind,
		"Email", r.Account.OwnerEmail, "Name", r.Account.FriendlyName))
}

func requestID(c echo.Context) (int64, error) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, echo.ErrNotFound
	}
	return id, nil
}

func (s *Server) handleAccountRequestResend(c echo.Context) error {
	id, err := requestID(c)
	if err != nil {
		return err
	}
	r, err := s.store.ResendAccountRequest(c.Request().Context(), currentUser(c), id, clientIP(c))
	if err != nil {
		return err
	}
	return s.redirectFlash(c, "/admin/accounts?tab=pending", loc(c).T("accounts.requests.resent", "Email", r.Account.OwnerEmail))
}

func (s *Server) handleAccountRequestCancel(c echo.Context) error {
	id, err := requestID(c)
	if err != nil {
		return err
	}
	r, err := s.store.CancelAccountRequest(c.Request().Context(), currentUser(c), id, clientIP(c))
	if err != nil {
		return err
	}
	return s.redirectFlash(c, "/admin/accounts?tab=pending", loc(c).T("accounts.requests.cancelled", "Name", r.Account.FriendlyName))
}

// linkPageHeaders keeps an emailed link's token out of the Referer of anything the page links to.
func linkPageHeaders(c echo.Context) {
	c.Response().Header().Set("Referrer-Policy", "no-referrer")
}

func linkTitle(c echo.Context, r *domain.AccountRequest) string {
	if r.Kind == domain.RequestShare {
		return loc(c).T("accounts.link.share_title", "Name", r.Account.FriendlyName)
	}
	return loc(c).T("accounts.link.join_title", "Org", r.OrgName)
}

// linkProblem says in the reader's language why an emailed request link no longer works at now
// (domain.AccountRequest.LinkProblem's cases), or "" when it does.
func linkProblem(c echo.Context, r *domain.AccountRequest, now time.Time) string {
	if r.LinkProblem(now) == "" {
		return ""
	}
	switch {
	case r.Superseded:
		return loc(c).T("accounts.link.problem.superseded")
	case r.State == domain.StateAccepted:
		return loc(c).T("accounts.link.problem.accepted")
	case r.State == domain.StateDeclined:
		return loc(c).T("accounts.link.problem.declined")
	case r.State == domain.StateRevoked:
		return loc(c).T("accounts.link.problem.revoked")
	}
	return loc(c).T("accounts.link.problem.expired")
}

func (s *Server) badLink(c echo.Context) error {
	return s.render(c, http.StatusNotFound, views.ErrorPage(s.page(c, loc(c).T("accounts.link.invalid_title"), ""), http.StatusNotFound,
		loc(c).T("accounts.link.invalid_heading"), loc(c).T("accounts.link.invalid_message")))
}

// handleRequestLink shows an emailed import or share link. Opening it never changes anything.
func (s *Server) handleRequestLink(kind string) echo.HandlerFunc {
	return func(c echo.Context) error {
		linkPageHeaders(c)
		token := c.Param("token")
		r, err := s.store.FindAccountRequestByToken(c.Request().Context(), kind, token)
		if domain.ErrorCode(err) == domain.ENotFound {
			return s.badLink(c)
		}
		if err != nil {
			return err
		}
		v := views.RequestLinkView{Request: r, Token: token, Problem: linkProblem(c, r, s.store.Now())}
		status := http.StatusOK
		if v.Problem != "" {
			status = http.StatusGone
		} else if u := currentUser(c); u == nil {
			return c.Redirect(http.StatusSeeOther, "/login?next="+url.QueryEscape(c.Request().URL.Path))
		} else if u.SID != r.Account.OwnerSID {
			v.WrongUser = u.Email
		}
		return s.render(c, status, views.RequestLinkPage(s.page(c, linkTitle(c, r), ""), v))
	}
}

// handleRequestAnswer is the owner's confirm/accept or decline of an emailed link.
func (s *Server) handleRequestAnswer(kind string, accept bool) echo.HandlerFunc {
	return func(c echo.Context) error {
		linkPageHeaders(c)
		ctx := c.Request().Context()
		token := c.Param("token")
		r, err := s.store.AnswerAccountRequest(ctx, currentUser(c), kind, token, accept, clientIP(c))
		switch domain.ErrorCode(err) {
		case "":
		case domain.ENotFound:
			return s.badLink(c)
		case domain.EConflict:
			r, ferr := s.store.FindAccountRequestByToken(ctx, kind, token)
			if ferr != nil {
				return err
			}
			v := views.RequestLinkView{Request: r, Token: token, Problem: domain.ErrorMessage(err)}
			return s.render(c, http.StatusConflict, views.RequestLinkPage(s.page(c, linkTitle(c, r), ""), v))
		default:
			return err
		}
		a := r.Account
		msg := ""
		switch {
		case !accept:
			msg = loc(c).T("accounts.link.declined", "Name", a.FriendlyName, "Org", r.OrgName)
		case kind == domain.RequestImport:
			msg = loc(c).T("accounts.link.joined", "Name", a.FriendlyName, "Org", r.OrgName)
		default:
			msg = loc(c).T("accounts.link.shared", "Name", a.FriendlyName, "Org", r.OrgName)
		}
		return s.redirectFlash(c, "/accounts", msg)
	}
}

// handleAccountRelinquish gives up the organization's access to an independent account.
func (s *Server) handleAccountRelinquish(c echo.Context) error {
	acc := currentAccess(c)
	if !acc.CanRelinquish() {
		if acc.Account.Relation == domain.RelationIndependent {
			return store.Forbidden(acc, domain.MsgWhatRelinquish, domain.MsgNeedOrgAdmin)
		}
		return domain.Fail(domain.EForbidden, domain.MsgOnlyIndependentGiven)
	}
	a, err := s.store.RelinquishAccount(c.Request().Context(), currentUser(c), acc.Account.SID, clientIP(c))
	if err != nil {
		return err
	}
	return s.redirectFlash(c, "/admin/accounts?tab=independent", loc(c).T("account.relinquished", "Name", a.FriendlyName))
}
