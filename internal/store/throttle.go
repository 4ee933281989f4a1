package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"time"

	"admincenter/internal/domain"
)

// Abuse limits on guessing passwords and codes (SPEC §4a), after OWASP's "Slow Down Online
// Guessing Attacks with Device Cookies" and ASVS 5.0 §6.3 (authentication: general; V6.3.1
// controls against credential stuffing and brute force that do not let an attacker lock a
// legitimate user out):
//
//   - an account is paused past MaxAccountFailures failures in AuthFailureWindow, but only for
//     browsers without a device cookie of that user: a browser its user signed in with before
//     keeps getting in with the right password;
//   - each device cookie has its own limit of MaxDeviceFailures failures;
//   - a client address is paused past MaxAddressFailures failures (unknown emails count, so a
//     spray over many emails stops), again not for a browser with the user's device cookie,
//     so one person's typos or one attacker never lock out an office behind one NAT address.
//
// Every count is a row of auth_failures (key, at), so a restart keeps them and several
// instances on one database share them.
const (
	AuthFailureWindow  = 15 * time.Minute
	MaxAccountFailures = 10
	MaxDeviceFailures  = 10
	MaxAddressFailures = 100
)

// SignInSource says where a password or code attempt comes from: the email it names (known
// or not), the client address, and the device cookie the browser holds for that email's user
// (its id, "" for none or for one that is not that user's).
type SignInSource struct {
	Email  string
	IP     string
	Device string
}

// limit is one counter that can pause attempts.
type limit struct {
	key    string
	max    int
	window time.Duration
	kind   string // "account", "device", "address": which pause the message describes
}

// limits are the counters an attempt from src is checked against and counted in: its device
// cookie's alone, when it has one; otherwise the account's and the address's. A failure from a
// device is counted against the address too, but such a browser is never paused by the address.
func (src SignInSource) limits() (check, count []limit) {
	addr := limit{key: ipKey(src.IP), max: MaxAddressFailures, window: AuthFailureWindow, kind: "address"}
	if src.Device != "" {
		dev := limit{key: "device:" + src.Device, max: MaxDeviceFailures, window: AuthFailureWindow, kind: "device"}
		check, count = []limit{dev}, []limit{dev}
	} else {
		acct := limit{key: accountKey(src.Email), max: MaxAccountFailures, window: AuthFailureWindow, kind: "account"}
		check, count = []limit{acct}, []limit{acct}
		if src.IP != "" {
			check = append(check, addr)
		}
	}
	if src.IP != "" {
		count = append(count, addr)
	}
	return check, count
}

// ThrottledError says attempts are paused until RetryAt. It unwraps to an ETooMany
// *domain.Error with a message that names the time.
type ThrottledError struct {
	RetryAt time.Time
	err     *domain.Error
}

func (e *ThrottledError) Error() string { return e.err.Error() }
func (e *ThrottledError) Unwrap() error { return e.err }

// retryIn says how long until retryAt, for people.
func retryIn(retryAt, now time.Time) domain.Message {
	mins := int(retryAt.Sub(now).Round(time.Minute) / time.Minute)
	switch {
	case mins == 1:
		return domain.MsgRetryInOneMinute
	case mins > 1:
		return domain.MsgRetryInMinutes.With(mins)
	}
	return domain.MsgRetryInUnderMinute
}

func newThrottledError(retryAt, now time.Time, kind string) *ThrottledError {
	m := domain.MsgSignInPaused
	if kind == "account" {
		// Said for unknown emails too (they are counted alike), so it reveals nothing.
		m = domain.MsgSignInPausedAccount
	}
	return newLimitError(retryAt, now, m)
}

// newLimitError is a pause with the message m (one of domain's Msg…Paused, whose verbs take the
// moment it ends and how long that is from now); it is a ThrottledError, so that the answer
// carries Retry-After.
func newLimitError(retryAt, now time.Time, m domain.Message) *ThrottledError {
	return &ThrottledError{RetryAt: retryAt, err: domain.Fail(domain.ETooMany, m.With(retryAt, retryIn(retryAt, now)))}
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

type rowQuerier interface {
	QueryRowContext(context.Context, string, ...any) *sql.Row
}

// pausedUntil returns when attempts counted under l may resume: once the max-th newest
// failure in the window has aged out. It is the zero time while fewer than max are counted.
func pausedUntil(q rowQuerier, ctx context.Context, l limit, now time.Time) (time.Time, error) {
	var at int64
	err := q.QueryRowContext(ctx, `SELECT at FROM auth_failures WHERE key = ? AND at > ? ORDER BY at DESC LIMIT 1 OFFSET ?`,
		l.key, ms(now.Add(-l.window)), l.max-1).Scan(&at)
	if errors.Is(err, sql.ErrNoRows) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, err
	}
	return time.UnixMilli(at).UTC().Add(l.window), nil
}

// pausedUntilAny returns the latest time any of ls allows attempts again and that limit's kind,
// or the zero time when none is reached. It reads only.
func (s *Store) pausedUntilAny(ctx context.Context, ls []limit, now time.Time) (time.Time, string, error) {
	var until time.Time
	kind := ""
	for _, l := range ls {
		t, err := pausedUntil(s.r, ctx, l, now)
		if err != nil {
			return time.Time{}, "", err
		}
		if t.After(until) {
			until, kind = t, l.kind
		}
	}
	return until, kind, nil
}

// checkLimits returns a *ThrottledError for sign-in when any of ls is reached, or nil.
func (s *Store) checkLimits(ctx context.Context, ls []limit) error {
	now := s.Now()
	until, kind, err := s.pausedUntilAny(ctx, ls, now)
	if err != nil || until.IsZero() {
		return err
	}
	return newThrottledError(until, now, kind)
}

// CheckSignInThrottle returns a *ThrottledError when attempts from src are paused (see
// limits), and records the refused attempt in the audit log: at most one signin.throttled
// event a minute for each user (or, for an unknown email, each address), so that an attacker
// who keeps trying past the limit cannot flood the log. u is the user src.Email names, or nil.
func (s *Store) CheckSignInThrottle(ctx context.Context, u *domain.User, src SignInSource) error {
	check, _ := src.limits()
	terr := s.checkLimits(ctx, check)
	var te *ThrottledError
	if !errors.As(terr, &te) {
		return terr
	}
	actor, orgSID, target, who := domain.Actor{Type: "anonymous", IP: src.IP}, "", "", ipKey(src.IP)
	if u != nil {
		actor = domain.Actor{Type: "user", SID: u.SID, Label: u.Email, IP: src.IP}
		orgSID, target, who = u.OrgSID, u.SID, u.SID
	}
	err := s.auditRefusal(ctx, who, "signin.throttled", auditEntry{OrgSID: orgSID, Actor: actor, Action: "signin.throttled",
		TargetType: "user", TargetSID: target, Outcome: "denied",
		After: map[string]string{"retry_at": te.RetryAt.Format(time.RFC3339), "device_cookie": yesNo(src.Device != "")}})
	if err != nil {
		return err
	}
	return terr
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

// Limits on other guessing (SPEC §4a; ASVS 5.0 §6.3 and OWASP's advice against enumeration by
// volume): emailed links (/invitations/, /imports/, /shares/, /password-reset/) answer 429 past
// MaxUnknownLinkTokens unknown tokens from one address in LinkTokenWindow; "Forgot your
// password?" takes MaxPasswordResetRequests requests from one address in AuthFailureWindow
// (besides at most 3 emails a user an hour), so nobody can use it to mail many users or to
// probe addresses in bulk.
const (
	MaxUnknownLinkTokens     = 60
	LinkTokenWindow          = 10 * time.Minute
	MaxPasswordResetRequests = 20
)

func linkLimit(ip string) limit {
	return limit{key: "link:" + ip, max: MaxUnknownLinkTokens, window: LinkTokenWindow, kind: "link"}
}

func resetLimit(ip string) limit {
	return limit{key: "reset:" + ip, max: MaxPasswordResetRequests, window: AuthFailureWindow, kind: "reset"}
}

// CheckLinkThrottle returns a *ThrottledError when the address has opened too many links whose
// token names nothing. It reads only.
func (s *Store) CheckLinkThrottle(ctx context.Context, ip string) error {
	now := s.Now()
	until, _, err := s.pausedUntilAny(ctx, []limit{linkLimit(ip)}, now)
	if err != nil || until.IsZero() {
		return err
	}
	return newLimitError(until, now, domain.MsgLinksPaused)
}

// RecordUnknownLinkToken counts a link opened from the address whose token names nothing (or is
// malformed: the two are counted and answered alike).
func (s *Store) RecordUnknownLinkToken(ctx context.Context, ip string) error {
	return s.writeRetiring(ctx, func() {}, func(tx *sql.Tx) error { return s.countTx(tx, linkLimit(ip)) })
}

// CountPasswordResetRequest counts a "Forgot your password?" request from the address, or
// returns a *ThrottledError, counting nothing, when the address has made too many.
func (s *Store) CountPasswordResetRequest(ctx context.Context, ip string) error {
	now := s.Now()
	l := resetLimit(ip)
	until, _, err := s.pausedUntilAny(ctx, []limit{l}, now)
	if err != nil {
		return err
	}
	if !until.IsZero() {
		return newLimitError(until, now, domain.MsgResetRequestsPaused)
	}
	return s.writeRetiring(ctx, func() {}, func(tx *sql.Tx) error { return s.countTx(tx, l) })
}

// recordFailureTx counts one failed attempt from src (see limits), and prunes failures too old
// to count.
func (s *Store) recordFailureTx(tx *sql.Tx, src SignInSource) error {
	_, count := src.limits()
	return s.countTx(tx, count...)
}

// countTx adds one failure now under each of ls, and prunes failures older than any window.
func (s *Store) countTx(tx *sql.Tx, ls ...limit) error {
	now := s.Now()
	if _, err := tx.Exec(`DELETE FROM auth_failures WHERE at <= ?`, ms(now.Add(-AuthFailureWindow))); err != nil {
		return err
	}
	for _, l := range ls {
		if _, err := tx.Exec(`INSERT INTO auth_failures (key, at) VALUES (?, ?)`, l.key, ms(now)); err != nil {
			return err
		}
	}
	return nil
}

// clearAccountFailuresTx forgets an account's failures (a password reset lifts the pause).
// Devices' and addresses' counts stay.
func clearAccountFailuresTx(tx *sql.Tx, email string) error {
	_, err := tx.Exec(`DELETE FROM auth_failures WHERE key = ?`, accountKey(email))
	return err
}
