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
	return s.render(c, status, views.DomainsPage(s.page(c, "Domains", "domains"), views.DomainsView{Domains: list, Form: f}))
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
	return s.redirectFlash(c, "/admin/domains#domain-"+d.Domain,
		d.Domain+" added. Publish the TXT record shown below, then press Verify.")
}

func (s *Server) handleDomainVerify(c echo.Context) error {
	d, err := s.store.VerifyDomain(c.Request().Context(), currentUser(c), c.Param("domain"), s.resolver(), clientIP(c))
	if err != nil {
		return err
	}
	switch {
	case d.Trusted:
		return s.redirectFlash(c, "/admin/domains", d.Domain+" was trusted at setup; it needs no DNS record.")
	case d.LastError != "":
		s.flash(c, "error", d.Domain+": "+d.LastError)
		return c.Redirect(http.StatusSeeOther, "/admin/domains#domain-"+d.Domain)
	}
	return s.redirectFlash(c, "/admin/domains", d.Domain+" is verified.")
}
