package store

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"admincenter/internal/auth"
	"admincenter/internal/domain"
	"admincenter/internal/store/storetest"
)

// clock is an injectable clock for Store.Now, safe to read from many goroutines.
type clock struct{ ns atomic.Int64 }

func newClock(t time.Time) *clock        { c := &clock{}; c.ns.Store(t.UnixNano()); return c }
func (c *clock) Now() time.Time          { return time.Unix(0, c.ns.Load()).UTC() }
func (c *clock) Advance(d time.Duration) { c.ns.Add(int64(d)) }

var policy = SessionPolicy{Idle: 30 * time.Minute, Absolute: 12 * time.Hour}

// sealer is the installation's real key set, in a temporary folder.
func testKeys(t *testing.T) *auth.Keys {
	k, err := auth.LoadOrCreateKeys(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// withTOTP opens a store at a fixed time and returns the owner of a new organization with
// two-factor on, its secret and its recovery codes.
func withTOTP(t *testing.T) (*Store, *clock, *domain.User, string, []string) {
	t.Helper()
	s := openTest(t)
	s.sealer = testKeys(t)
	clk := newClock(time.Date(2026, 3, 1, 9, 0, 5, 0, time.UTC))
	s.Now = clk.Now
	_, u := newOrg(t, s, "Example", "example.com")
	secret := auth.NewTOTPSecret()
	codes := auth.NewRecoveryCodes(auth.RecoveryCodeCount)
	code, _ := totp.GenerateCode(secret, clk.Now())
	step, ok := auth.MatchTOTP(secret, code, clk.Now())
	if !ok {
		t.Fatal("the enrollment code does not match its secret")
	}
	if err := s.EnableTOTP(context.Background(), u, nil, secret, step, codes, "10.0.0.1"); err != nil {
		t.Fatal(err)
	}
	u, _ = s.FindUserBySID(context.Background(), u.SID)
	clk.Advance(30 * time.Second) // the enrollment used this step
	return s, clk, u, secret, codes
}

func pending(t *testing.T, s *Store, u *domain.User) string {
	t.Helper()
	id, state, err := s.SignIn(context.Background(), u, "10.0.0.1", "test", policy)
	if err != nil || state != "pending_2fa" {
		t.Fatalf("SignIn = %q, %v; want pending_2fa", state, err)
	}
	return id
}

// complete finishes the pending sign-in id with code as the web's step does: the throttle, then
// the code matched, then the store's part.
func complete(s *Store, id, code string) error {
	ctx := context.Background()
	sess, u, err := s.FindSession(ctx, id, policy)
	if err != nil {
		return err
	}
	if err := s.CheckSignInThrottle(ctx, u, SignInSource{Email: u.Email, IP: "10.0.0.1"}); err != nil {
		return err
	}
	f, err := secondFactor(s, u, code)
	if err != nil {
		return err
	}
	_, err = s.CompleteTwoFactorSignIn(ctx, sess, u, f, SignInSource{Email: u.Email, IP: "10.0.0.1"}, "test", policy)
	return err
}

// secondFactor matches code as the caller of the store does.
func secondFactor(s *Store, u *domain.User, code string) (SecondFactor, error) {
	code = domain.NormalizeCode(code)
	if domain.IsRecoveryCode(code) {
		return SecondFactor{RecoveryCode: code}, nil
	}
	key, err := s.FindTOTPKey(context.Background(), u.SID)
	if err != nil || key == nil {
		return SecondFactor{}, err
	}
	step, ok := auth.MatchTOTP(key.Secret, code, s.Now())
	if !ok {
		return SecondFactor{}, nil
	}
	return SecondFactor{Key: key, Step: step}, nil
}

func TestTOTPCodeAcceptedOncePerStep(t *testing.T) {
	s, clk, u, secret, _ := withTOTP(t)
	code, _ := totp.GenerateCode(secret, clk.Now())
	if err := complete(s, pending(t, s, u), code); err != nil {
		t.Fatalf("first use of the code: %v", err)
	}
	// A replay within the same step fails, even from a fresh password sign-in.
	if err := complete(s, pending(t, s, u), code); !errors.Is(err, ErrWrongCode) {
		t.Fatalf("replay in the same step = %v, want ErrWrongCode", err)
	}
	// Next step: its code works; then the previous step's code (still within the window) does not.
	prev := code
	clk.Advance(30 * time.Second)
	next, _ := totp.GenerateCode(secret, clk.Now())
	if err := complete(s, pending(t, s, u), next); err != nil {
		t.Fatalf("next step's code: %v", err)
	}
	if err := complete(s, pending(t, s, u), prev); !errors.Is(err, ErrWrongCode) {
		t.Fatalf("previous step's code after a newer one was used = %v, want ErrWrongCode", err)
	}
	// The previous step is accepted when nothing newer was used (a code typed as it changed).
	clk.Advance(30 * time.Second)
	late, _ := totp.GenerateCode(secret, clk.Now())
	clk.Advance(30 * time.Second)
	if err := complete(s, pending(t, s, u), late); err != nil {
		t.Fatalf("previous step's code: %v", err)
	}
	// Two steps back is too old.
	clk.Advance(30 * time.Second)
	old, _ := totp.GenerateCode(secret, clk.Now().Add(-60*time.Second))
	if err := complete(s, pending(t, s, u), old); !errors.Is(err, ErrWrongCode) {
		t.Fatalf("a code two steps old = %v, want ErrWrongCode", err)
	}
}

func TestConcurrentSubmissionsOfOneCodeExactlyOneWins(t *testing.T) {
	s, clk, u, secret, codes := withTOTP(t)
	for _, code := range []string{mustCode(t, secret, clk.Now()), codes[0]} {
		const n = 8
		ids := make([]string, n)
		for i := range ids {
			ids[i] = pending(t, s, u)
		}
		var wins, wrong atomic.Int32
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range ids {
			wg.Add(1)
			go func(id string) {
				defer wg.Done()
				<-start
				switch err := complete(s, id, code); {
				case err == nil:
					wins.Add(1)
				case errors.Is(err, ErrWrongCode):
					wrong.Add(1)
				default:
					t.Errorf("unexpected error: %v", err)
				}
			}(ids[i])
		}
		close(start)
		wg.Wait()
		if wins.Load() != 1 || wrong.Load() != n-1 {
			t.Errorf("code %s: %d wins, %d refused; want exactly 1 win", code, wins.Load(), wrong.Load())
		}
		clk.Advance(AuthFailureWindow) // the refusals counted against the IP; let them age out
	}
}

func TestStepOfAReplacedSecretIsNotConsumed(t *testing.T) {
	s, clk, u, secret, _ := withTOTP(t)
	ctx := context.Background()
	id := pending(t, s, u)
	f, err := secondFactor(s, u, mustCode(t, secret, clk.Now()))
	if err != nil || f.Key == nil {
		t.Fatalf("secondFactor = %+v, %v", f, err)
	}
	// Meanwhile two-factor was turned off and on again: another secret is stored.
	if _, err := s.w.Exec(`UPDATE users SET totp_secret = ? WHERE sid = ?`, []byte("another sealed secret"), u.SID); err != nil {
		t.Fatal(err)
	}
	sess, _, err := s.FindSession(ctx, id, policy)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.CompleteTwoFactorSignIn(ctx, sess, u, f, SignInSource{Email: u.Email, IP: "10.0.0.1"}, "test", policy); !errors.Is(err, ErrWrongCode) {
		t.Fatalf("a step of the old secret = %v, want ErrWrongCode", err)
	}
}

func mustCode(t *testing.T, secret string, at time.Time) string {
	t.Helper()
	c, err := totp.GenerateCode(secret, at)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestRecoveryCodeWorksOnce(t *testing.T) {
	s, _, u, _, codes := withTOTP(t)
	typed := strings.ToUpper(strings.ReplaceAll(codes[3], "-", " ")) // as a person might type it
	if err := complete(s, pending(t, s, u), typed); err != nil {
		t.Fatalf("recovery code: %v", err)
	}
	if err := complete(s, pending(t, s, u), codes[3]); !errors.Is(err, ErrWrongCode) {
		t.Fatalf("recovery code used twice = %v, want ErrWrongCode", err)
	}
	st, _ := s.FindTwoFactorStatus(context.Background(), u.SID)
	if st.RecoveryCodesLeft != 9 {
		t.Errorf("recovery codes left = %d, want 9", st.RecoveryCodesLeft)
	}
	evs, _ := storetest.AuditEvents(context.Background(), s, "2fa.recovery_code.use")
	if len(evs) != 1 || !strings.Contains(evs[0].After, `"recovery_codes_left":9`) {
		t.Errorf("recovery code audit = %+v", evs)
	}
}

func TestPendingSignInExpiresAfterFiveMinutes(t *testing.T) {
	s, clk, u, secret, _ := withTOTP(t)
	id := pending(t, s, u)
	clk.Advance(PendingSignInTTL)
	if err := complete(s, id, mustCode(t, secret, clk.Now())); !errors.Is(err, ErrNoSession) {
		t.Fatalf("completing after 5 minutes = %v, want ErrNoSession", err)
	}
}

func TestSecretSealedAtRestAndAuditHoldsNoSecrets(t *testing.T) {
	s, clk, u, secret, codes := withTOTP(t)
	var stored []byte
	if err := s.r.QueryRow(`SELECT totp_secret FROM users WHERE sid = ?`, u.SID).Scan(&stored); err != nil {
		t.Fatal(err)
	}
	if len(stored) == 0 || strings.Contains(string(stored), secret) {
		t.Fatalf("stored secret is not sealed: %q", stored)
	}
	var n int
	_ = s.r.QueryRow(`SELECT count(*) FROM recovery_codes WHERE user_sid = ? AND code_hash = ?`, u.SID, []byte(codes[0])).Scan(&n)
	if n != 0 {
		t.Fatal("a recovery code is stored in the clear")
	}
	code := mustCode(t, secret, clk.Now())
	_ = complete(s, pending(t, s, u), "000000")
	_ = complete(s, pending(t, s, u), code)
	_ = complete(s, pending(t, s, u), codes[1])
	rows, err := s.r.Query(`SELECT action, before || after || actor_label FROM audit_events`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	seen := map[string]bool{}
	for rows.Next() {
		var action, text string
		_ = rows.Scan(&action, &text)
		seen[action] = true
		for _, bad := range append([]string{secret, code, testPassword, "000000"}, codes...) {
			if strings.Contains(text, bad) {
				t.Errorf("audit event %s contains a secret: %s", action, text)
			}
		}
	}
	for _, want := range []string{"2fa.enable", "signin.password", "signin.failure", "signin.success", "2fa.recovery_code.use"} {
		if !seen[want] {
			t.Errorf("no %s audit event", want)
		}
	}
}

func TestThrottleSurvivesRestart(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "admincenter.db")
	clk := newClock(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
	s, err := Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	s.Now = clk.Now
	for i := 0; i < MaxAccountFailures; i++ {
		if err := s.CheckSignInThrottle(ctx, nil, SignInSource{Email: "Victim@Example.com", IP: "192.0.2.7"}); err != nil {
			t.Fatalf("attempt %d throttled: %v", i+1, err)
		}
		if err := s.RecordSignInFailure(ctx, nil, SignInSource{Email: "victim@example.com", IP: "192.0.2.7"}, "unknown email"); err != nil {
			t.Fatal(err)
		}
		clk.Advance(time.Second)
	}
	s.Close()

	s, err = Open(ctx, path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.Now = clk.Now
	err = s.CheckSignInThrottle(ctx, nil, SignInSource{Email: "victim@example.com", IP: "198.51.100.1"})
	var te *ThrottledError
	if !errors.As(err, &te) || domain.ErrorCode(err) != domain.ETooMany {
		t.Fatalf("after a restart: %v, want a ThrottledError", err)
	}
	if want := time.Date(2026, 3, 1, 9, 15, 0, 0, time.UTC); !te.RetryAt.Equal(want) {
		t.Errorf("retry at %v, want %v (the first failure ages out)", te.RetryAt, want)
	}
	if !strings.Contains(domain.ErrorMessage(err), "try again after Mar 1, 2026, 09:15 UTC (in 15 minutes)") {
		t.Errorf("message %q does not name the time", domain.ErrorMessage(err))
	}
	// Ten failures do not pause the address for other emails (that takes MaxAddressFailures), and
	// a browser with the victim's device cookie is not paused by the account's count.
	if err := s.CheckSignInThrottle(ctx, nil, SignInSource{Email: "other@example.com", IP: "192.0.2.7"}); err != nil {
		t.Errorf("same IP, other email: %v", err)
	}
	if err := s.CheckSignInThrottle(ctx, nil, SignInSource{Email: "victim@example.com", IP: "192.0.2.7", Device: "d1"}); err != nil {
		t.Errorf("the victim's own browser: %v", err)
	}
	clk.Advance(15 * time.Minute)
	if err := s.CheckSignInThrottle(ctx, nil, SignInSource{Email: "victim@example.com", IP: "192.0.2.7"}); err != nil {
		t.Errorf("after the window: %v, want allowed", err)
	}
	evs, _ := storetest.AuditEvents(ctx, s, "signin.throttled")
	if len(evs) != 1 || evs[0].Outcome != "denied" {
		t.Errorf("throttled audit events = %+v", evs)
	}
}

func TestSessionIdleAndAbsoluteTimeouts(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	clk := newClock(time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC))
	s.Now = clk.Now
	_, u := newOrg(t, s, "Example", "example.com")
	id, _, err := s.SignIn(ctx, u, "", "", policy)
	if err != nil {
		t.Fatal(err)
	}
	// Active every 29 minutes: alive until the absolute limit.
	for elapsed := time.Duration(0); elapsed+29*time.Minute < policy.Absolute; elapsed += 29 * time.Minute {
		clk.Advance(29 * time.Minute)
		if _, _, err := s.FindSession(ctx, id, policy); err != nil {
			t.Fatalf("after %v of activity: %v", elapsed+29*time.Minute, err)
		}
	}
	clk.Advance(time.Hour) // past 12 h since sign-in
	if _, _, err := s.FindSession(ctx, id, policy); !errors.Is(err, ErrNoSession) {
		t.Fatalf("past the absolute timeout: %v, want ErrNoSession", err)
	}

	id, _, _ = s.SignIn(ctx, u, "", "", policy)
	clk.Advance(policy.Idle - time.Second)
	if _, _, err := s.FindSession(ctx, id, policy); err != nil {
		t.Fatalf("just inside the idle timeout: %v", err)
	}
	clk.Advance(policy.Idle)
	if _, _, err := s.FindSession(ctx, id, policy); !errors.Is(err, ErrNoSession) {
		t.Fatalf("after %v idle: %v, want ErrNoSession", policy.Idle, err)
	}
}

func TestSessionsListRevokeAndScope(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	_, u := newOrg(t, s, "Example", "example.com")
	_, other := newOrg(t, s, "Other", "other.com")
	keep, _, _ := s.SignIn(ctx, u, "10.0.0.1", "Firefox", policy)
	s.SignIn(ctx, u, "10.0.0.2", "Chrome", policy)
	s.SignIn(ctx, u, "10.0.0.3", "Safari", policy)
	theirs, _, _ := s.SignIn(ctx, other, "10.9.9.9", "Edge", policy)
	list, err := s.ListSessions(ctx, u.SID, policy)
	if err != nil || len(list) != 3 {
		t.Fatalf("ListSessions = %d sessions, %v; want 3", len(list), err)
	}
	// Another user's session is not found, and survives.
	if err := s.RevokeSession(ctx, u, SessionRef(auth.HashToken(theirs)), ""); domain.ErrorCode(err) != domain.ENotFound {
		t.Errorf("revoking another user's session = %v, want not found", err)
	}
	for _, bad := range []string{"", "zz", strings.Repeat("a", 10000)} {
		if err := s.RevokeSession(ctx, u, bad, ""); domain.ErrorCode(err) != domain.ENotFound {
			t.Errorf("RevokeSession(%.10q) = %v, want not found", bad, err)
		}
	}
	victim := list[0]
	if string(victim.IDHash) == string(auth.HashToken(keep)) {
		victim = list[1]
	}
	if err := s.RevokeSession(ctx, u, SessionRef(victim.IDHash), "10.0.0.1"); err != nil {
		t.Fatal(err)
	}
	n, err := s.RevokeOtherSessions(ctx, u, auth.HashToken(keep), "10.0.0.1")
	if err != nil || n != 1 {
		t.Fatalf("RevokeOtherSessions = %d, %v; want 1", n, err)
	}
	if _, _, err := s.FindSession(ctx, keep, policy); err != nil {
		t.Errorf("the kept session ended: %v", err)
	}
	if _, _, err := s.FindSession(ctx, theirs, policy); err != nil {
		t.Errorf("another user's session ended: %v", err)
	}
	for _, action := range []string{"session.revoke", "session.revoke_others"} {
		if evs, _ := storetest.AuditEvents(ctx, s, action); len(evs) != 1 {
			t.Errorf("%s audit events = %d, want 1", action, len(evs))
		}
	}
}
