package api

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/url"
	"strconv"
	"strings"

	"github.com/labstack/echo/v4"

	"admincenter/internal/domain"
)

// decodeJSON reads the body as exactly one JSON value into v. It refuses another content type,
// malformed JSON, unknown fields, trailing data and (through the server's body limit) bodies
// over 1 MiB, each with a 400 (413 for the size) that says which.
func decodeJSON(c echo.Context, v any, types ...string) error {
	mt, _, err := mime.ParseMediaType(c.Request().Header.Get("Content-Type"))
	ok := false
	for _, t := range types {
		ok = ok || (err == nil && mt == t)
	}
	if !ok {
		return apiErrorf(400, CodeInvalid, "The request body must be JSON (Content-Type: "+strings.Join(types, " or ")+").")
	}
	dec := json.NewDecoder(c.Request().Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return jsonError(err)
	}
	if err := dec.Decode(&json.RawMessage{}); !errors.Is(err, io.EOF) {
		if err != nil {
			return jsonError(err)
		}
		return apiErrorf(400, CodeInvalid, "The request body must hold one JSON value only.")
	}
	return nil
}

func jsonError(err error) error {
	var he *echo.HTTPError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &he):
		return he
	case errors.Is(err, io.EOF):
		return apiErrorf(400, CodeInvalid, "The request body is empty; it must be a JSON object.")
	case errors.As(err, &te):
		if te.Field != "" {
			return apiErrorf(400, CodeInvalid, "The field "+strconv.Quote(te.Field)+" must be a "+jsonKind(te.Type.Kind().String())+".")
		}
		return apiErrorf(400, CodeInvalid, "The request body must be a JSON object.")
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return apiErrorf(400, CodeInvalid, "Unknown field "+strings.TrimPrefix(err.Error(), "json: unknown field ")+".")
	}
	return apiErrorf(400, CodeInvalid, errMalformedJSON)
}

func jsonKind(k string) string {
	switch k {
	case "string":
		return "string"
	case "bool":
		return "boolean"
	case "slice":
		return "list"
	case "struct", "map":
		return "JSON object"
	}
	return "number"
}

// paging is a list request's page: PageSize (1–100, default 50, larger values clamped), the
// opaque PageToken and Page, the page number the client counts (0 first).
type paging struct {
	size    int
	page    int
	token   string
	path    string     // e.g. /Organizations/OR…/Accounts
	filters url.Values // query filters repeated in the page URLs
}

func pagingOf(c echo.Context, path string, filters url.Values) (paging, error) {
	p := paging{size: domain.PageSize, path: path, filters: filters}
	q := c.QueryParams()
	if v := q.Get("PageSize"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return p, apiErrorf(400, CodeInvalid, "PageSize must be a whole number from 1 to 100.")
		}
		p.size = min(n, domain.MaxPageSize)
	}
	if v := q.Get("Page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return p, apiErrorf(400, CodeInvalid, "Page must be a whole number from 0.")
		}
		p.page = n
	}
	p.token = q.Get("PageToken")
	return p, nil
}

// pageMeta is Twilio's page metadata.
type pageMeta struct {
	FirstPageURL    string  `json:"first_page_url"`
	Key             string  `json:"key"`
	NextPageURL     *string `json:"next_page_url"`
	Page            int     `json:"page"`
	PageSize        int     `json:"page_size"`
	PreviousPageURL *string `json:"previous_page_url"`
	URL             string  `json:"url"`
}

func (a *API) pageURL(p paging, page int, token string) string {
	q := url.Values{}
	for k, v := range p.filters {
		q[k] = v
	}
	q.Set("PageSize", strconv.Itoa(p.size))
	if token != "" {
		q.Set("Page", strconv.Itoa(page))
		q.Set("PageToken", token)
	}
	return a.opts.BaseURL + p.path + "?" + q.Encode()
}

func (a *API) meta(p paging, next, prev string) pageMeta {
	m := pageMeta{Key: "content", Page: p.page, PageSize: p.size,
		FirstPageURL: a.pageURL(p, 0, ""), URL: a.pageURL(p, p.page, p.token)}
	if next != "" {
		u := a.pageURL(p, p.page+1, next)
		m.NextPageURL = &u
	}
	if prev != "" {
		u := a.pageURL(p, max(p.page-1, 0), prev)
		m.PreviousPageURL = &u
	}
	return m
}
