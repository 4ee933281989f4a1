package store

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"admincenter/internal/domain"
)

// openSecondInstance opens another store on s's PostgreSQL database, as a second instance of
// the server would, with the same keys and clock.
func openSecondInstance(t *testing.T, s *Store, opts Options) *Store {
	t.Helper()
	postgresOnly(t)
	opts.Sealer = s.sealer
	s2, err := Open(context.Background(), s.url, opts)
	if err != nil {
		t.Fatal(err)
	}
	s2.Now = s.Now
	t.Cleanup(func() { s2.Close() })
	return s2
}

func TestPostgresKeysFingerprintRefusesOtherKeys(t *testing.T) {
	postgresOnly(t)
	s := openTest(t)
	ctx := context.Background()
	fp := KeysFingerprint([]byte("session-key"), []byte("encrypt-key"), []byte("signing-key"))
	for range 2 {
		if err := s.CheckKeys(ctx, fp); err != nil {
			t.Fatalf("the first keys: %v", err)
		}
	}
	other := KeysFingerprint([]byte("session-key"), []byte("encrypt-key"), []byte("another-key"))
	if err := s.CheckKeys(ctx, other); !errors.Is(err, ErrKeysDiffer) {
		t.Errorf("other keys: %v, want ErrKeysDiffer", err)
	}
	var stored string
	if err := s.r.QueryRow(`SELECT value FROM instance_settings WHERE name = 'keys_fingerprint'`).Scan(&stored); err != nil || stored != fp {
		t.Errorf("stored %q (%v), want the fingerprint only", stored, err)
	}
}

func TestJobLeaseIsHeldUntilItRunsOut(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	clk := newClock(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
	s.Now = clk.Now
	claim := func(want bool) {
		t.Helper()
		if ok, err := s.ClaimJob(ctx, "domain-recheck", time.Hour); err != nil || ok != want {
			t.Fatalf("ClaimJob = %v, %v; want %v", ok, err, want)
		}
	}
	claim(true)
	claim(false)
	clk.Advance(59 * time.Minute)
	claim(false)
	clk.Advance(time.Minute)
	claim(true)
	if ok, err := s.ClaimJob(ctx, "another job", time.Hour); err != nil || !ok {
		t.Errorf("another job's lease: %v, %v", ok, err)
	}
}

func TestUnavailableKnowsALostDatabase(t *testing.T) {
	_, err := Open(context.Background(), "postgres://admin@127.0.0.1:1/x?connect_timeout=2", Options{})
	if !Unavailable(err) {
		t.Errorf("Unavailable(%v) = false", err)
	}
	for _, err := range []error{nil, notFound("The account"), domain.Errorf(domain.EInvalid, "no"), errors.New("some bug")} {
		if Unavailable(err) {
			t.Errorf("Unavailable(%v) = true", err)
		}
	}
}

// A change committed through one instance retires the cached reads of another before its next
// request (SyncReadCache, which each request calls first).
func TestPostgresCachedReadsSeeAnotherInstancesCommit(t *testing.T) {
	postgresOnly(t)
	a := openTest(t)
	b := openSecondInstance(t, a, Options{})
	ctx := context.Background()
	org, owner := newOrg(t, a, "Example", "example.com")
	list := func(s *Store) int {
		t.Helper()
		if err := s.SyncReadCache(ctx); err != nil {
			t.Fatal(err)
		}
		p, err := s.ListAccounts(ctx, AccountFilter{OrgSID: org.SID, Relation: domain.RelationManaged})
		if err != nil {
			t.Fatal(err)
		}
		return len(p.Accounts)
	}
	if n := list(b); n != 0 {
		t.Fatalf("%d accounts, want none", n)
	}
	for i := 1; i <= 3; i++ {
		if _, err := a.CreateAccount(ctx, owner, domain.CreateAccountInput{FriendlyName: "Prod", Type: "standard"}, ""); err != nil {
			t.Fatal(err)
		}
		if n := list(b); n != i {
			t.Fatalf("instance B lists %d accounts after A created %d", n, i)
		}
		if n := list(a); n != i {
			t.Fatalf("instance A lists %d accounts after creating %d", n, i)
		}
	}
}

// Two instances claiming the outbox at once: each message is claimed by exactly one.
func TestPostgresTwoInstancesClaimEachMessageOnce(t *testing.T) {
	postgresOnly(t)
	a := openTest(t)
	b := openSecondInstance(t, a, Options{})
	const n = 60
	for i := range n {
		if _, err := a.w.Exec(`INSERT INTO outbox (to_addr, subject, text_body, state, next_attempt_at, created_at)
			VALUES (?, 'Hello', 'Hi', 'pending', 0, ?)`, "u"+string(rune('a'+i%26))+"@example.com", ms(a.Now())); err != nil {
			t.Fatal(err)
		}
	}
	var mu sync.Mutex
	seen := map[int64]int{}
	var wg sync.WaitGroup
	for _, s := range []*Store{a, b, a, b} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				m, err := s.ClaimMail(context.Background(), time.Minute)
				if err != nil {
					t.Error(err)
					return
				}
				if m == nil {
					return
				}
				mu.Lock()
				seen[m.ID]++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(seen) != n {
		t.Errorf("%d messages claimed, want %d", len(seen), n)
	}
	for id, k := range seen {
		if k != 1 {
			t.Errorf("message %d claimed %d times", id, k)
		}
	}
	// A second instance starting does not take the leases of a live one.
	if k, err := b.ReleaseMailLeases(context.Background()); err != nil || k != 0 {
		t.Errorf("ReleaseMailLeases on PostgreSQL = %d, %v; want 0", k, err)
	}
}

// A TOTP code sent to two instances at once signs in once.
func TestPostgresOneCodeOnTwoInstancesWinsOnce(t *testing.T) {
	postgresOnly(t)
	a, clk, u, secret, _ := withTOTP(t)
	b := openSecondInstance(t, a, Options{})
	code := mustCode(t, secret, clk.Now())
	ids := []string{pending(t, a, u), pending(t, b, u), pending(t, a, u), pending(t, b, u)}
	var wins, wrong atomic.Int32
	var wg sync.WaitGroup
	for i, id := range ids {
		s := []*Store{a, b}[i%2]
		wg.Add(1)
		go func() {
			defer wg.Done()
			switch err := complete(s, id, code); {
			case err == nil:
				wins.Add(1)
			case errors.Is(err, ErrWrongCode):
				wrong.Add(1)
			default:
				t.Errorf("unexpected error: %v", err)
			}
		}()
	}
	wg.Wait()
	if wins.Load() != 1 || wrong.Load() != int32(len(ids)-1) {
		t.Errorf("%d wins, %d refused; want exactly 1 win", wins.Load(), wrong.Load())
	}
}
