// Package dnstest runs a real DNS server on loopback for tests: it answers TXT questions from a
// table the test fills, NXDOMAIN for names it does not have, and nothing at all when silenced.
// Only tests import it.
package dnstest

import (
	"net"
	"strings"
	"sync"
	"testing"

	"github.com/miekg/dns"
)

// Server is a DNS server on 127.0.0.1 (UDP) for the life of one test.
type Server struct {
	Addr   string // host:port, as --dns takes it
	mu     sync.Mutex
	txt    map[string][]string
	silent bool
}

// New starts a server that stops when the test ends.
func New(t testing.TB) *Server {
	t.Helper()
	pc, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{Addr: pc.LocalAddr().String(), txt: map[string][]string{}}
	srv := &dns.Server{PacketConn: pc, Handler: dns.HandlerFunc(s.serve)}
	go srv.ActivateAndServe()
	t.Cleanup(func() { srv.Shutdown() })
	return s
}

// SetTXT publishes name's TXT records, one per value, replacing any it had.
func (s *Server) SetTXT(name string, values ...string) {
	s.mu.Lock()
	s.txt[dns.Fqdn(strings.ToLower(name))] = values
	s.mu.Unlock()
}

// SetSilent makes the server take questions and never answer (on) or answer again (off).
func (s *Server) SetSilent(on bool) {
	s.mu.Lock()
	s.silent = on
	s.mu.Unlock()
}

func (s *Server) serve(w dns.ResponseWriter, r *dns.Msg) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.silent {
		return
	}
	m := new(dns.Msg)
	m.SetReply(r)
	m.Authoritative = true
	found := false
	for _, q := range r.Question {
		values, ok := s.txt[strings.ToLower(q.Name)]
		if !ok {
			continue
		}
		found = true
		if q.Qtype == dns.TypeTXT {
			for _, v := range values { // one record per value, as a zone with several TXT records has
				m.Answer = append(m.Answer, &dns.TXT{Hdr: dns.RR_Header{Name: q.Name, Rrtype: dns.TypeTXT, Class: dns.ClassINET, Ttl: 60}, Txt: []string{v}})
			}
		}
	}
	if !found {
		m.Rcode = dns.RcodeNameError
	}
	w.WriteMsg(m)
}
