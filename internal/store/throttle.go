package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"admincenter/internal/domain"
)

// Abuse limits: past MaxAuthFailures failed password or code attempts within AuthFailureWindow,
// counted per account (by email) and per client IP, further attempts are refused until enough
// of them have aged out. The counts live in the database, so a restart does not reset them.
const (
	MaxAuthFailures   = 10
	AuthFailureWindow = 15 * time.Minute
)

// ThrottledError says sign-in attempts are paused until RetryAt. It unwraps to an ETooMany
// *domain.Error with a message that names the time.
type ThrottledError struct {
	RetryAt time.Time
	err     *domain.Error
}

func (e *ThrottledError) Error() string { return e.err.Error() }
func (e *ThrottledError) Unwrap() error { return e.err }

func newThrottledError(retryAt, now time.Time) *ThrottledError {
	mins := int(retryAt.Sub(now).Round(time.Minute) / time.Minute)
	in := "in less than a minute"
	switch {
	case mins == 1:
		in = "in 1 minute"
	case mins > 1:
		in = fmt.Sprintf("in %d minutes", mins)
	}
	return &ThrottledError{RetryAt: retryAt, err: domain.Errorf(domain.ETooMany,
		"Too many failed sign-in attempts. For your protection, try again after %s UTC (%s).",
		retryAt.UTC().Format("15:04"), in)}
}

// RetryAfter returns how long a throttled caller should wait, or 0 when err is not a ThrottledError.
func RetryAfter(err error, now time.Time) time.Duration {
	var te *ThrottledError
	if !errors.As(err, &te) {
		return 0
	}
	if d := te.RetryAt.Sub(now); d > 0 {
		return d
	}
	return time.Second
}

// accountKey is the failure key of an account: a hash of its normalized email, so that
// unknown emails are counted exactly like known ones and no typed email is stored.
func accountKey(email string) string {
	h := sha256.Sum256([]byte(domain.NormalizeEmail(email)))
	return "email:" + hex.EncodeToString(h[:16])
}

func ipKey(ip string) string { return "ip:" + ip }

// throttledUntil returns when attempts on key may resume, or the zero time when they may now.
func throttledUntil(q interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}, ctx context.Context, key string, now time.Time) (time.Time, error) {
	var at int64
	err := q.QueryRowContext(ctx, `SELECT at FROM auth_failures WHERE key = ? AND at > ? ORDER BY at DESC LIMIT 1 OFFSET ?`,
		key, ms(now.Add(-AuthFailureWindow)), MaxAuthFailures-1).Scan(&at)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, err
	}
	return time.UnixMilli(at).UTC().Add(AuthFailureWindow), nil
}

// checkThrottle returns a *ThrottledError when the account or the IP is paused. It reads only.
func (s *Store) checkThrottle(ctx context.Context, email, ip string) error {
	now := s.Now()
	var until time.Time
	for _, key := range []string{accountKey(email), ipKey(ip)} {
		if key == "ip:" {
			continue
		}
		t, err := throttledUntil(s.r, ctx, key, now)
		if err != nil {
			return err
		}
		if t.After(until) {
			until = t
		}
	}
	if until.IsZero() {
		return nil
	}
	return newThrottledError(until, now)
}

// CheckSignInThrottle returns a *ThrottledError when sign-in attempts for the email (known or
// not) or from the IP are paused, and records the refused attempt in the audit log.
func (s *Store) CheckSignInThrottle(ctx context.Context, u *domain.User, email, ip string) error {
	terr := s.checkThrottle(ctx, email, ip)
	var te *ThrottledError
	if !errors.As(terr, &te) {
		return terr
	}
	err := s.write(ctx, func(tx *sql.Tx) error {
		actor, orgSID, target := domain.Actor{Type: "anonymous", IP: ip}, "", ""
		if u != nil {
			actor = domain.Actor{Type: "user", SID: u.SID, Label: u.Email, IP: ip}
			orgSID, target = u.OrgSID, u.SID
		}
		return s.audit(tx, auditEntry{OrgSID: orgSID, Actor: actor, Action: "signin.throttled", TargetType: "user", TargetSID: target,
			After: map[string]string{"retry_at": te.RetryAt.Format(time.RFC3339)}, Outcome: "denied"})
	})
	if err != nil {
		return err
	}
	return terr
}

// recordFailureTx counts one failed attempt against the account and the IP, and prunes
// failures too old to count.
func (s *Store) recordFailureTx(tx *sql.Tx, email, ip string) error {
	now := s.Now()
	if _, err := tx.Exec(`DELETE FROM auth_failures WHERE at <= ?`, ms(now.Add(-AuthFailureWindow))); err != nil {
		return err
	}
	for _, key := range []string{accountKey(email), ipKey(ip)} {
		if key == "ip:" {
			continue
		}
		if _, err := tx.Exec(`INSERT INTO auth_failures (key, at) VALUES (?, ?)`, key, ms(now)); err != nil {
			return err
		}
	}
	return nil
}

// clearAccountFailuresTx forgets an account's failures once its owner has fully signed in.
// The IP's count stays: one success must not reset a spray from that address.
func clearAccountFailuresTx(tx *sql.Tx, email string) error {
	_, err := tx.Exec(`DELETE FROM auth_failures WHERE key = ?`, accountKey(email))
	return err
}
