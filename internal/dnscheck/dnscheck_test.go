package dnscheck_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"admincenter/internal/dnscheck"
	"admincenter/internal/dnscheck/dnstest"
	"admincenter/internal/domain"
)

func TestCheck(t *testing.T) {
	srv := dnstest.New(t)
	c := dnscheck.New(srv.Addr)
	c.Timeout = time.Second
	d := &domain.OrgDomain{Domain: "example.org", Token: "tok123"}
	ctx := context.Background()

	tests := []struct {
		name   string
		setup  func()
		prefix string // what the answer starts with; "" for proven
	}{
		{"no record", func() {}, "No TXT record was found at _admincenter-challenge.example.org."},
		{"another value", func() { srv.SetTXT(d.ChallengeName(), "admincenter-verification=other") },
			"The TXT record _admincenter-challenge.example.org exists but does not hold admincenter-verification=tok123."},
		{"among other records", func() { srv.SetTXT(d.ChallengeName(), "v=spf1 -all", d.ChallengeValue()) }, ""},
		{"server silent", func() { srv.SetSilent(true) }, "The DNS server did not answer in time."},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.setup()
			got := c.Check(ctx, d).Text
			if tc.prefix == "" && got != "" || !strings.HasPrefix(got, tc.prefix) {
				t.Errorf("Check = %q, want %q", got, tc.prefix)
			}
		})
	}
}
