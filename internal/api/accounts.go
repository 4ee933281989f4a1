package api

import (
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"admincenter/internal/domain"
	"admincenter/internal/store"
)

// accountJSON is one account as the API shows it.
type accountJSON struct {
	AccountSID   string `json:"account_sid"`
	FriendlyName string `json:"friendly_name"`
	Status       string `json:"status"`
	OwnerSID     string `json:"owner_sid"`
	DateCreated  string `json:"date_created"`
}

func accountOf(a *domain.Account) accountJSON {
	return accountJSON{AccountSID: a.SID, FriendlyName: a.FriendlyName, Status: a.Status, OwnerSID: a.OwnerSID,
		DateCreated: a.CreatedAt.UTC().Format(time.RFC3339)}
}

type accountPage struct {
	Content []accountJSON `json:"content"`
	Meta    pageMeta      `json:"meta"`
}

// handleAccountList lists the organization's managed accounts, newest first, a page at a time.
func (a *API) handleAccountList(c echo.Context) error {
	app := currentApp(c)
	p, err := pagingOf(c, "/Organizations/"+app.OrgSID+"/Accounts", nil)
	if err != nil {
		return err
	}
	page, err := a.store.ListAccounts(c.Request().Context(), store.AccountFilter{OrgSID: app.OrgSID,
		Relation: domain.RelationManaged, Cursor: p.token, Limit: p.size})
	if err == domain.ErrBadCursor {
		return apiErrorf(400, CodeInvalid, "PageToken is not valid. Start again from the first page.")
	}
	if err != nil {
		return err
	}
	out := accountPage{Content: make([]accountJSON, 0, len(page.Accounts)), Meta: a.meta(p, page.Next, page.Prev)}
	for _, acc := range page.Accounts {
		out.Content = append(out.Content, accountOf(acc))
	}
	return c.JSON(http.StatusOK, out)
}

// handleAccountFetch returns one managed account of the organization.
func (a *API) handleAccountFetch(c echo.Context) error {
	acc, err := a.store.FindManagedAccount(c.Request().Context(), currentApp(c).OrgSID, c.Param("sid"))
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, accountOf(acc))
}
