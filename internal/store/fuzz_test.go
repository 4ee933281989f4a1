package store

import "testing"

func FuzzParseCursor(f *testing.F) {
	f.Add(cursor{'n', 1700000000000, "AC0123456789abcdef0123456789abcdef"}.String())
	f.Add(cursor{'p', 0, "ACffffffffffffffffffffffffffffffff"}.String())
	f.Add("")
	f.Add("bjE3MDAwMDAwMDAwMDAu")
	f.Add("%%%")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := parseCursor(s)
		if err != nil {
			if err != ErrBadCursor {
				t.Fatalf("parseCursor(%q) error %v is not ErrBadCursor", s, err)
			}
			return
		}
		// A cursor that parses round-trips to itself.
		again, err := parseCursor(c.String())
		if err != nil || again != c {
			t.Fatalf("cursor %q parsed to %+v, which does not round-trip (%+v, %v)", s, c, again, err)
		}
	})
}
