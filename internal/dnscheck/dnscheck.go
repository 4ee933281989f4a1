// Package dnscheck proves that an organization controls a domain: it looks up the domain's
// challenge TXT record and says, in words an administrator can act on, why it does not prove it.
package dnscheck

import (
	"context"
	"errors"
	"net"
	"slices"
	"time"

	"admincenter/internal/domain"
)

// Checker looks up challenge records through one resolver.
type Checker struct {
	resolver *net.Resolver
	// Timeout bounds one lookup: an administrator waits for it on the Domains page.
	Timeout time.Duration
}

// New returns a checker that asks the DNS server at server (host:port, the --dns setting), or the
// system's resolver when server is "".
func New(server string) *Checker {
	c := &Checker{resolver: net.DefaultResolver, Timeout: 5 * time.Second}
	if server != "" {
		c.resolver = &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, network, server)
		}}
	}
	return c
}

// Check looks up d's challenge record and says why it does not prove control of d, or nothing (a
// zero Message) when it does. A failed lookup is an answer too, not an error: the store records it
// on the domain.
func (c *Checker) Check(ctx context.Context, d *domain.OrgDomain) domain.Message {
	ctx, cancel := context.WithTimeout(ctx, c.Timeout)
	defer cancel()
	records, err := c.resolver.LookupTXT(ctx, d.ChallengeName()+".")
	var dnsErr *net.DNSError
	switch {
	case err == nil:
		if slices.Contains(records, d.ChallengeValue()) {
			return domain.Message{}
		}
		return domain.MsgDomainWrongRecord.With(d.ChallengeName(), d.ChallengeValue())
	case errors.As(err, &dnsErr) && dnsErr.IsNotFound:
		return domain.MsgDomainNoRecord.With(d.ChallengeName())
	case errors.As(err, &dnsErr) && dnsErr.IsTimeout, errors.Is(err, context.DeadlineExceeded):
		return domain.MsgDomainDNSTimeout
	}
	return domain.MsgDomainDNSFailed
}
