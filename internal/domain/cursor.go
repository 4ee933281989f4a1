package domain

import (
	"encoding/base64"
	"strconv"
	"strings"
)

// List pages: PageSize rows unless asked otherwise, at most MaxPageSize.
const (
	PageSize    = 50
	MaxPageSize = 100
)

// The orders of the Accounts list: newest first (the default), oldest first, by name A–Z, Z–A.
const (
	SortNewest   = ""
	SortOldest   = "oldest"
	SortName     = "name"
	SortNameDesc = "name_desc"
)

// ValidAccountSort reports whether s is one of the Accounts list's orders.
func ValidAccountSort(s string) bool {
	switch s {
	case SortNewest, SortOldest, SortName, SortNameDesc:
		return true
	}
	return false
}

// ErrBadCursor is the answer to a page cursor this app did not make.
var ErrBadCursor = Fail(EInvalid, MsgBadCursor)

// Cursor is a position in a keyset-paged list: the page after the row whose sort key is Key,
// or, Before, the page before it. Its String is the opaque token a page link carries.
type Cursor struct {
	Before bool
	Key    []string
}

// Cursor tokens are base64url of the direction ('n' next, 'p' previous) and the key parts,
// separated by a byte no key holds.
const (
	cursorNext, cursorPrev = 'n', 'p'
	cursorSep              = "\x00"
	maxCursorLen           = 600
)

// CursorAfter is the cursor of the page after the row with key.
func CursorAfter(key ...string) Cursor { return Cursor{Key: key} }

// CursorBefore is the cursor of the page before the row with key.
func CursorBefore(key ...string) Cursor { return Cursor{Before: true, Key: key} }

// String encodes the cursor as an opaque, URL-safe token.
func (c Cursor) String() string {
	dir := string(rune(cursorNext))
	if c.Before {
		dir = string(rune(cursorPrev))
	}
	return base64.RawURLEncoding.EncodeToString([]byte(dir + strings.Join(c.Key, cursorSep)))
}

// ParseCursor decodes a token made by String whose key has parts parts, none empty. Anything
// else is ErrBadCursor; what each part must look like is for the list to check.
func ParseCursor(s string, parts int) (Cursor, error) {
	if len(s) > maxCursorLen {
		return Cursor{}, ErrBadCursor
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(b) < 2 || (b[0] != cursorNext && b[0] != cursorPrev) {
		return Cursor{}, ErrBadCursor
	}
	key := strings.Split(string(b[1:]), cursorSep)
	if len(key) != parts {
		return Cursor{}, ErrBadCursor
	}
	for _, k := range key {
		if k == "" {
			return Cursor{}, ErrBadCursor
		}
	}
	return Cursor{Before: b[0] == cursorPrev, Key: key}, nil
}

// Int returns key part i as a non-negative integer, or ErrBadCursor.
func (c Cursor) Int(i int) (int64, error) {
	n, err := strconv.ParseInt(c.Key[i], 10, 64)
	if err != nil || n < 0 {
		return 0, ErrBadCursor
	}
	return n, nil
}
