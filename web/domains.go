package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"admincenter/views"
)

func (s *Server) domainsPage(c echo.Context, status int, f views.Form) error {
	list, err := s.store.ListDomains(c.Request().Context(), currentUser(c).OrgSID)
	if err != nil {
		return err
	}
	return s.render(c, status, views.DomainsPage(s.page(c, loc(c).T("domains.title"), "domains"), views.DomainsView{Domains: list, Form: f}))
}

func (s *Server) handleDomains(c echo.Context) error {
	return s.domainsPage(c, http.StatusOK, views.Form{})
}

func (s *Server) handleDomainAdd(c echo.Context) error {
	d, err := s.store.AddDomain(c.Request().Context(), currentUser(c), c.FormValue("domain"), clientIP(c))
	if isInvalid(err) {
		return s.domainsPage(c, http.StatusUnprocessableEntity, formOf(c, err, "domain"))
	}
	if err != nil {
		return err
	}
	return s.redirectFlash(c, "/admin/domains#domain-"+d.Domain, loc(c).T("domains.flash.added", "Domain", d.Domain))
}

// handleDomainVerify looks up the domain's TXT record and records what it found: verified, or why
// not (in LastError). A failed check is not an error; the flash says it.
func (s *Server) handleDomainVerify(c echo.Context) error {
	ctx, admin := c.Request().Context(), currentUser(c)
	d, err := s.store.FindDomain(ctx, admin.OrgSID, c.Param("domain"))
	if err != nil {
		return err
	}
	if d.Trusted {
		return s.redirectFlash(c, "/admin/domains", loc(c).T("domains.flash.trusted", "Domain", d.Domain))
	}
	if err := s.store.RecordDomainVerification(ctx, admin, d, s.dns.Check(ctx, d), clientIP(c)); err != nil {
		return err
	}
	if d.LastError != "" {
		s.flash(c, "error", loc(c).T("domains.flash.problem", "Domain", d.Domain, "Problem", loc(c).Msg(d.Problem())))
		return c.Redirect(http.StatusSeeOther, "/admin/domains#domain-"+d.Domain)
	}
	return s.redirectFlash(c, "/admin/domains", loc(c).T("domains.flash.verified", "Domain", d.Domain))
}
