package web

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"admincenter/internal/domain"
	"admincenter/internal/store"
)

// pickerPerson is one suggestion of the owner and invite pickers.
type pickerPerson struct {
	SID   string `json:"sid"`
	Name  string `json:"name"`
	Email string `json:"email"`
}

// pickerPage is a page of suggestions; next is the cursor of the page after it, or null.
type pickerPage struct {
	People []pickerPerson `json:"people"`
	Next   *string        `json:"next"`
}

// handlePeoplePicker suggests active members of the signed-in user's organization whose email or
// name contains q, by email, keyset-paged (limit 1–20, default 10): what the owner-transfer and
// invite fields offer as you type. Only the organization's own members reach it (orgMember), and
// only their organization's people are listed.
func (s *Server) handlePeoplePicker(c echo.Context) error {
	limit := 10
	if l := c.QueryParam("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 {
			return c.JSON(http.StatusBadRequest, map[string]string{"error": "limit must be a number from 1 to 20"})
		}
		limit = min(n, 20)
	}
	page, err := s.store.ListOrgUsers(c.Request().Context(), store.OrgUserFilter{OrgSID: currentUser(c).OrgSID,
		Query: c.QueryParam("q"), Status: domain.UserActive, NoCounts: true, Cursor: c.QueryParam("cursor"), Limit: limit})
	if errors.Is(err, domain.ErrBadCursor) {
		return c.JSON(http.StatusBadRequest, map[string]string{"error": domain.ErrorMessage(err)})
	}
	if err != nil {
		return err
	}
	out := pickerPage{People: make([]pickerPerson, len(page.Users))}
	for i, u := range page.Users {
		out.People[i] = pickerPerson{SID: u.User.SID, Name: u.User.Name, Email: u.User.Email}
	}
	if page.Next != "" {
		out.Next = &page.Next
	}
	return c.JSON(http.StatusOK, out)
}
