package api

import (
	"errors"
	"mime"
	"net/http"
	"net/url"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/labstack/echo/v4"

	"admincenter/internal/auth"
	"admincenter/internal/domain"
)

// tokenClaims are the claims of an access token: the app (sub) and its organization (org).
type tokenClaims struct {
	Org string `json:"org"`
	jwt.RegisteredClaims
}

// tokenResponse is the OAuth 2.0 token response, with Twilio's null refresh and id tokens.
type tokenResponse struct {
	AccessToken  string  `json:"access_token"`
	TokenType    string  `json:"token_type"`
	ExpiresIn    int64   `json:"expires_in"`
	RefreshToken *string `json:"refresh_token"`
	IDToken      *string `json:"id_token"`
}

// handleToken is the client-credentials grant of /v1/token and /v2/token.
func (a *API) handleToken(c echo.Context) error {
	if ok, retry := a.tokens.allow(c.RealIP()); !ok {
		return tooMany(c, retry)
	}
	req := c.Request()
	if mt, _, err := mime.ParseMediaType(req.Header.Get("Content-Type")); err != nil || mt != formContentType {
		return apiErrorf(400, CodeInvalid, "The token request must be a form (Content-Type: application/x-www-form-urlencoded).")
	}
	if err := req.ParseForm(); err != nil {
		var he *echo.HTTPError
		if errors.As(err, &he) {
			return he
		}
		return apiErrorf(400, CodeInvalid, "The token request is not a valid form.")
	}
	f := req.PostForm
	if gt := f.Get("grant_type"); gt != "client_credentials" {
		return apiErrorf(400, CodeInvalid, "grant_type must be client_credentials.")
	}
	id, secret := f.Get("client_id"), f.Get("client_secret")
	if u, p, ok := req.BasicAuth(); ok && id == "" && secret == "" { // client_secret_basic (RFC 6749 §2.3.1)
		id, _ = url.QueryUnescape(u)
		secret, _ = url.QueryUnescape(p)
	}
	app, err := a.store.AuthenticateOAuthApp(req.Context(), id, secret)
	if err != nil {
		return err
	}
	tok, err := a.issueToken(app)
	if err != nil {
		return err
	}
	return c.JSON(http.StatusOK, tokenResponse{AccessToken: tok, TokenType: "Bearer", ExpiresIn: int64(TokenLifetime / time.Second)})
}

// issueToken signs an HS256 access token for the app that expires after TokenLifetime.
func (a *API) issueToken(app *domain.OAuthApp) (string, error) {
	now := a.store.Now()
	claims := tokenClaims{Org: app.OrgSID, RegisteredClaims: jwt.RegisteredClaims{
		Issuer:    a.opts.BaseURL,
		Subject:   app.SID,
		IssuedAt:  jwt.NewNumericDate(now),
		NotBefore: jwt.NewNumericDate(now.Add(-time.Minute)),
		ExpiresAt: jwt.NewNumericDate(now.Add(TokenLifetime)),
		ID:        auth.NewToken()[:22],
	}}
	return jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString(a.keys.Signing)
}

// parseToken verifies an access token's signature, algorithm, issuer and expiry (on the
// store's clock) and returns its claims.
func (a *API) parseToken(raw string) (*tokenClaims, error) {
	var claims tokenClaims
	_, err := jwt.ParseWithClaims(raw, &claims, func(*jwt.Token) (any, error) { return a.keys.Signing, nil },
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithExpirationRequired(),
		jwt.WithIssuer(a.opts.BaseURL),
		jwt.WithTimeFunc(a.store.Now))
	if err != nil {
		return nil, err
	}
	if !domain.ValidSID(domain.PrefixOAuthApp, claims.Subject) || !domain.ValidSID(domain.PrefixOrganization, claims.Org) {
		return nil, errors.New("api: token names no app")
	}
	return &claims, nil
}
