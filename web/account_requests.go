package web

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"admincenter/internal/domain"
	"admincenter/internal/store"
	"admincenter/views"
)

const importTitle = "Add existing account · Accounts"

func (s *Server) handleAccountImportForm(c echo.Context) error {
	return s.render(c, http.StatusOK, views.ImportAccountPage(s.page(c, importTitle, "accounts"), views.ImportAccountView{}))
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
		return s.render(c, http.StatusUnprocessableEntity, views.ImportAccountPage(s.page(c, importTitle, "accounts"), v))
	}
	if err != nil {
		return err
	}
	what := "join the organization"
	if r.Kind == domain.RequestShare {
		what = "share it with the organization"
	}
	return s.redirectFlash(c, "/admin/accounts?tab=pending", "We emailed "+r.Account.OwnerEmail+", the owner of “"+
		r.Account.FriendlyName+"”, asking them to "+what+". It stays under Pending until they answer.")
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
	return s.redirectFlash(c, "/admin/accounts?tab=pending", "A new link was emailed to "+r.Account.OwnerEmail+"; the old one no longer works.")
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
	return s.redirectFlash(c, "/admin/accounts?tab=pending", "The request for “"+r.Account.FriendlyName+"” is cancelled; its link no longer works.")
}

// linkPageHeaders keeps an emailed link's token out of the Referer of anything the page links to.
func linkPageHeaders(c echo.Context) {
	c.Response().Header().Set("Referrer-Policy", "no-referrer")
}

func linkTitle(r *domain.AccountRequest) string {
	if r.Kind == domain.RequestShare {
		return "Share “" + r.Account.FriendlyName + "”"
	}
	return "Join " + r.OrgName
}

func (s *Server) badLink(c echo.Context) error {
	return s.render(c, http.StatusNotFound, views.ErrorPage(s.page(c, "Link not valid", ""), http.StatusNotFound,
		"This link is not valid", "Check that you opened the whole link from the email. If it still does not work, ask the organization to send a new one."))
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
		v := views.RequestLinkView{Request: r, Token: token, Problem: r.LinkProblem(s.store.Now())}
		status := http.StatusOK
		if v.Problem != "" {
			status = http.StatusGone
		} else if u := currentUser(c); u == nil {
			return c.Redirect(http.StatusSeeOther, "/login?next="+url.QueryEscape(c.Request().URL.Path))
		} else if u.SID != r.Account.OwnerSID {
			v.WrongUser = u.Email
		}
		return s.render(c, status, views.RequestLinkPage(s.page(c, linkTitle(r), ""), v))
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
			return s.render(c, http.StatusConflict, views.RequestLinkPage(s.page(c, linkTitle(r), ""), v))
		default:
			return err
		}
		a := r.Account
		msg := ""
		switch {
		case !accept:
			msg = "You declined. “" + a.FriendlyName + "” stays as it was, and " + r.OrgName + " has been told."
		case kind == domain.RequestImport:
			msg = "“" + a.FriendlyName + "” now belongs to " + r.OrgName + ", and you are a member of the organization."
		default:
			msg = "“" + a.FriendlyName + "” is now shared with " + r.OrgName + " as an independent account. You keep control of it."
		}
		return s.redirectFlash(c, "/accounts", msg)
	}
}

// handleAccountRelinquish gives up the organization's access to an independent account.
func (s *Server) handleAccountRelinquish(c echo.Context) error {
	acc := currentAccess(c)
	if !acc.CanRelinquish() {
		if acc.Account.Relation == domain.RelationIndependent {
			return domain.Errorf(domain.EForbidden, "Relinquishing an account needs the Organization Owner or Administrator role.")
		}
		return domain.Errorf(domain.EForbidden, "Only an independent account can be relinquished.")
	}
	a, err := s.store.RelinquishAccount(c.Request().Context(), currentUser(c), acc.Account.SID, clientIP(c))
	if err != nil {
		return err
	}
	return s.redirectFlash(c, "/admin/accounts?tab=independent", "“"+a.FriendlyName+"” is relinquished: the organization no longer has access to it.")
}
