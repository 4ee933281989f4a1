package web

import (
	"net/http"

	"github.com/labstack/echo/v4"

	"admincenter/internal/domain"
	"admincenter/views"
)

// GET,POST /settings/profile: the user's name, language and time zone.

func (s *Server) handleProfileForm(c echo.Context) error {
	u := currentUser(c)
	l := loc(c)
	f := views.Form{Values: map[string]string{"name": u.Name, "language": u.Language, "timezone": u.TimeZone}}
	if f.Values["language"] == "" {
		f.Values["language"] = l.Lang
		if l.Lang != domain.LangJapanese {
			f.Values["language"] = domain.LangEnglish
		}
	}
	if f.Values["timezone"] == "" {
		f.Values["timezone"] = l.Zone.String()
	}
	return s.render(c, http.StatusOK, views.ProfilePage(s.page(c, l.T("profile.title"), "profile"), views.ProfileView{Form: f}))
}

func (s *Server) handleProfile(c echo.Context) error {
	u := currentUser(c)
	in := domain.ProfileInput{Name: c.FormValue("name"), Language: c.FormValue("language"), TimeZone: c.FormValue("timezone")}
	err := in.Validate(false)
	if err == nil {
		err = s.store.UpdateProfile(c.Request().Context(), u, in, clientIP(c))
	}
	if err == nil {
		// The flash is read on the next page, in the language just chosen.
		u.Language, u.TimeZone = in.Language, in.TimeZone
		setLocale(c, s.localeOf(c))
		return s.redirectFlash(c, "/settings/profile", loc(c).T("profile.saved"))
	}
	if !isInvalid(err) {
		return err
	}
	return s.render(c, http.StatusUnprocessableEntity, views.ProfilePage(s.page(c, loc(c).T("profile.title"), "profile"),
		views.ProfileView{Form: formOf(c, err, "name", "language", "timezone")}))
}

// GET,POST /admin/organization: the organization's name and its default language and time
// zone (for emails to people who have no user yet). Owner and Administrators.

func (s *Server) handleOrganizationForm(c echo.Context) error {
	u := currentUser(c)
	org, err := s.store.FindOrganization(c.Request().Context(), u.OrgSID)
	if err != nil {
		return err
	}
	f := views.Form{Values: map[string]string{"name": org.Name, "language": org.Language, "timezone": org.TimeZone}}
	if f.Values["language"] == "" {
		f.Values["language"] = domain.LangEnglish
	}
	if f.Values["timezone"] == "" {
		f.Values["timezone"] = "UTC"
	}
	return s.render(c, http.StatusOK, views.ProfilePage(s.page(c, loc(c).T("profile.org.title"), "organization"),
		views.ProfileView{Form: f, Org: true}))
}

func (s *Server) handleOrganization(c echo.Context) error {
	u := currentUser(c)
	in := domain.ProfileInput{Name: c.FormValue("name"), Language: c.FormValue("language"), TimeZone: c.FormValue("timezone")}
	err := in.Validate(true)
	if err == nil {
		err = s.store.UpdateOrganization(c.Request().Context(), u, in, clientIP(c))
	}
	if err == nil {
		return s.redirectFlash(c, "/admin/organization", loc(c).T("profile.org.saved"))
	}
	if !isInvalid(err) {
		return err
	}
	return s.render(c, http.StatusUnprocessableEntity, views.ProfilePage(s.page(c, loc(c).T("profile.org.title"), "organization"),
		views.ProfileView{Form: formOf(c, err, "name", "language", "timezone"), Org: true}))
}
