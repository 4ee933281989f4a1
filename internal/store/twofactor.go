package store

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"admincenter/internal/auth"
	"admincenter/internal/domain"
)

// PendingSignInTTL is how long a correct password waits for its second factor.
const PendingSignInTTL = 5 * time.Minute

// TwoFactorStatus is what the two-factor settings page shows about a user.
type TwoFactorStatus struct {
	Enabled           bool
	EnabledAt         time.Time
	RecoveryCodesLeft int
}

// FindTwoFactorStatus returns the user's two-factor state; never the secret.
func (s *Store) FindTwoFactorStatus(ctx context.Context, userSID string) (*TwoFactorStatus, error) {
	var st TwoFactorStatus
	err := s.read(ctx, func(tx *sql.Tx) error {
		var enabled sql.NullInt64
		if err := tx.QueryRow(`SELECT totp_enabled_at FROM users WHERE sid = ?`, userSID).Scan(&enabled); err != nil {
			if errors.Is(err, sql.ErrNoRows) {
				return notFound("The user")
			}
			return err
		}
		st.Enabled, st.EnabledAt = enabled.Valid, fromMS(enabled)
		return tx.QueryRow(`SELECT count(*) FROM recovery_codes WHERE user_sid = ? AND used_at IS NULL`, userSID).Scan(&st.RecoveryCodesLeft)
	})
	if err != nil {
		return nil, err
	}
	return &st, nil
}

// Errors of the second factor. Neither says whether the code was wrong or already used.
var (
	ErrWrongCode = &domain.Error{Code: domain.EUnauthorized, Message: "That code did not work.",
		Fields: domain.Validation{"code": domain.MsgCodeWrong}}
	errTOTPAlreadyOn = domain.Errorf(domain.EConflict, "Two-factor sign-in is already on for your user.")
)

// EnableTOTP turns two-factor sign-in on with secret; step is the time step of the code that
// proved the user's app has it (the caller matched it), used up here. It stores the secret
// sealed, replaces the recovery codes with hashes of codes, ends the user's other sessions and
// writes the audit event, all in one transaction.
func (s *Store) EnableTOTP(ctx context.Context, u *domain.User, keepSession []byte, secret string, step int64, recoveryCodes []string, ip string) error {
	sealed, err := s.sealer.Seal([]byte(secret))
	if err != nil {
		return err
	}
	now := s.Now()
	return s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.Exec(`UPDATE users SET totp_secret = ?, totp_enabled_at = ?, totp_last_step = ?, version = version + 1, updated_at = ?
			WHERE sid = ? AND totp_enabled_at IS NULL`, sealed, ms(now), step, ms(now), u.SID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errTOTPAlreadyOn
		}
		if err := replaceRecoveryCodesTx(tx, u.SID, recoveryCodes); err != nil {
			return err
		}
		ended, err := endOtherSessionsTx(tx, u.SID, keepSession)
		if err != nil {
			return err
		}
		if err := s.enqueueEmail(tx, securityNotice(u, domain.EmailTOTPOn)); err != nil {
			return err
		}
		return s.audit(tx, auditEntry{OrgSID: u.OrgSID, Actor: userActor(u, ip), Action: "2fa.enable", TargetType: "user", TargetSID: u.SID,
			After: map[string]any{"recovery_codes": len(recoveryCodes), "other_sessions_ended": ended}})
	})
}

// DisableTOTP turns two-factor sign-in off once the caller has checked the user's password and
// f, the second factor, is used up. It deletes the secret and the recovery codes and ends the
// user's other sessions. A code that is not accepted counts as a failed attempt.
func (s *Store) DisableTOTP(ctx context.Context, u *domain.User, keepSession []byte, f SecondFactor, ip string) error {
	return s.reauthenticated(ctx, u, f, ip, "2fa.disable", func(tx *sql.Tx, now time.Time) error {
		if _, err := tx.Exec(`UPDATE users SET totp_secret = NULL, totp_enabled_at = NULL, totp_last_step = 0, version = version + 1, updated_at = ?
			WHERE sid = ?`, ms(now), u.SID); err != nil {
			return err
		}
		if _, err := tx.Exec(`DELETE FROM recovery_codes WHERE user_sid = ?`, u.SID); err != nil {
			return err
		}
		ended, err := endOtherSessionsTx(tx, u.SID, keepSession)
		if err != nil {
			return err
		}
		if err := s.enqueueEmail(tx, securityNotice(u, domain.EmailTOTPOff)); err != nil {
			return err
		}
		return s.audit(tx, auditEntry{OrgSID: u.OrgSID, Actor: userActor(u, ip), Action: "2fa.disable", TargetType: "user",
			TargetSID: u.SID, After: map[string]any{"other_sessions_ended": ended}})
	})
}

// RegenerateRecoveryCodes replaces the user's recovery codes once the caller has checked the
// user's password and f, the second factor, is used up; the old codes stop working at once. It
// ends the user's other sessions. A code that is not accepted counts as a failed attempt.
func (s *Store) RegenerateRecoveryCodes(ctx context.Context, u *domain.User, keepSession []byte, f SecondFactor, recoveryCodes []string, ip string) error {
	return s.reauthenticated(ctx, u, f, ip, "2fa.recovery_codes.regenerate", func(tx *sql.Tx, now time.Time) error {
		if err := replaceRecoveryCodesTx(tx, u.SID, recoveryCodes); err != nil {
			return err
		}
		ended, err := endOtherSessionsTx(tx, u.SID, keepSession)
		if err != nil {
			return err
		}
		return s.audit(tx, auditEntry{OrgSID: u.OrgSID, Actor: userActor(u, ip), Action: "2fa.recovery_codes.regenerate",
			TargetType: "user", TargetSID: u.SID,
			After: map[string]any{"recovery_codes": len(recoveryCodes), "other_sessions_ended": ended}})
	})
}

// reauthenticated runs change in one transaction once f is used up. A code that is not accepted
// is counted and audited instead, and answered with a field error.
func (s *Store) reauthenticated(ctx context.Context, u *domain.User, f SecondFactor, ip, action string, change func(*sql.Tx, time.Time) error) error {
	var failed error
	err := s.write(ctx, func(tx *sql.Tx) error {
		now := s.Now()
		method, err := s.useSecondFactorTx(tx, u, f, now, SignInSource{Email: u.Email, IP: ip}, action)
		if err != nil || method == "" {
			failed = &domain.Error{Code: domain.EInvalid, Message: ErrWrongCode.Message, Fields: ErrWrongCode.Fields}
			return err
		}
		return change(tx, now)
	})
	if err != nil {
		return err
	}
	return failed
}

// RecordReauthenticationFailure counts a wrong password typed to confirm a sensitive change
// (action, such as "password.change") as a failed attempt and audits it with reason.
// src is where it came from (the user's email, the address and the browser's device cookie).
func (s *Store) RecordReauthenticationFailure(ctx context.Context, u *domain.User, action, reason string, src SignInSource) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		if err := s.recordFailureTx(tx, src); err != nil {
			return err
		}
		return s.audit(tx, auditEntry{OrgSID: u.OrgSID, Actor: userActor(u, src.IP), Action: action, TargetType: "user", TargetSID: u.SID,
			After: map[string]string{"reason": reason}, Outcome: "failure"})
	})
}

// MaxPendingCodeFailures is how many wrong codes one pending two-factor session takes: the
// last one ends it, and the password step starts again (SPEC §4a; ASVS 5.0 §6.3). The
// account's and the device's limits keep counting across pending sessions, so starting again
// does not give an attacker who has the password more guesses.
const MaxPendingCodeFailures = 5

// ErrPendingSignInEnded answers the wrong code that ended a pending session.
var ErrPendingSignInEnded = domain.Errorf(domain.EUnauthorized,
	"That code did not work either. After 5 wrong codes the sign-in starts again: enter your email and password.")

// signInAction is the failAction of useSecondFactorTx for the second step of a sign-in.
const signInAction = "signin.failure"

// CompleteTwoFactorSignIn finishes a two-step sign-in: the pending session sess of u (from
// FindSession) and the second factor f give a new, fully signed-in session (a new id: the
// pending one is deleted). Each time step and each recovery code is consumed by a conditional
// UPDATE, so of two concurrent submissions of one code exactly one wins. A factor that is not
// accepted is counted against src and the pending session, audited and answered with
// ErrWrongCode; the MaxPendingCodeFailures-th ends the session (ErrPendingSignInEnded). It
// returns the new raw session id.
func (s *Store) CompleteTwoFactorSignIn(ctx context.Context, sess *Session, u *domain.User, f SecondFactor, src SignInSource, userAgent string, p SessionPolicy) (string, error) {
	if sess.State != domain.SessionPending2FA || sess.UserSID != u.SID {
		return "", ErrNoSession
	}
	id := auth.NewToken()
	ip := src.IP
	var failed error
	err := s.write(ctx, func(tx *sql.Tx) error {
		now := s.Now()
		method, err := s.useSecondFactorTx(tx, u, f, now, src, signInAction)
		if err != nil {
			return err
		}
		if method == "" {
			n, err := s.countPendingFailureTx(tx, sess, u, ip)
			switch {
			case n == 0:
				failed = ErrNoSession
			case n >= MaxPendingCodeFailures:
				failed = ErrPendingSignInEnded
			default:
				failed = ErrWrongCode
			}
			return err
		}
		// The pending session is used up; if it is already gone, a concurrent request won.
		res, err := tx.Exec(`DELETE FROM sessions WHERE id_hash = ? AND state = 'pending_2fa' AND expires_at > ?`, sess.IDHash, ms(now))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return ErrNoSession
		}
		// The session keeps how its first step signed in (a password, or single sign-on).
		signin := sess.Method
		if signin == "" {
			signin = domain.SignInPassword
		}
		if _, err := tx.Exec(`INSERT INTO sessions (id_hash, user_sid, state, ip, user_agent, created_at, last_seen_at, expires_at, method)
			VALUES (?, ?, 'active', ?, ?, ?, ?, ?, ?)`, auth.HashToken(id), u.SID, ip, truncate(userAgent, 300), ms(now), ms(now), ms(now.Add(p.Absolute)), signin); err != nil {
			return err
		}
		if _, err := tx.Exec(`UPDATE users SET last_login_at = ? WHERE sid = ?`, ms(now), u.SID); err != nil {
			return err
		}
		return s.audit(tx, auditEntry{OrgSID: u.OrgSID, Actor: userActor(u, ip), Action: "signin.success", TargetType: "user",
			TargetSID: u.SID, After: map[string]string{"method": method}})
	})
	if err != nil {
		return "", err
	}
	if failed != nil {
		return "", failed
	}
	return id, nil
}

// countPendingFailureTx counts a wrong code against the pending session sess and returns how
// many it has had (0 when it is gone already). At MaxPendingCodeFailures it deletes the session.
func (s *Store) countPendingFailureTx(tx *sql.Tx, sess *Session, u *domain.User, ip string) (int, error) {
	var n int
	err := tx.QueryRow(`UPDATE sessions SET code_failures = code_failures + 1 WHERE id_hash = ? AND state = 'pending_2fa'
		RETURNING code_failures`, sess.IDHash).Scan(&n)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil || n < MaxPendingCodeFailures {
		return n, err
	}
	if _, err := tx.Exec(`DELETE FROM sessions WHERE id_hash = ?`, sess.IDHash); err != nil {
		return n, err
	}
	return n, s.audit(tx, auditEntry{OrgSID: u.OrgSID, Actor: userActor(u, ip), Action: "signin.pending_ended",
		TargetType: "user", TargetSID: u.SID, After: map[string]int{"wrong_codes": n}, Outcome: "denied"})
}

// TOTPKey is a user's TOTP secret, opened, for the caller to match a code against.
type TOTPKey struct {
	Secret string
	sealed []byte // as stored: a step of this key is consumed only while it is still the user's
}

// FindTOTPKey returns the TOTP secret of a user whose two-factor sign-in is on, or nil when it
// is off or has no secret (no code can match then).
func (s *Store) FindTOTPKey(ctx context.Context, userSID string) (*TOTPKey, error) {
	var sealed []byte
	err := s.r.QueryRowContext(ctx, `SELECT totp_secret FROM users WHERE sid = ? AND totp_enabled_at IS NOT NULL`, userSID).Scan(&sealed)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && sealed == nil) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	secret, err := s.sealer.Open(sealed)
	if err != nil {
		return nil, err
	}
	return &TOTPKey{Secret: string(secret), sealed: sealed}, nil
}

// SecondFactor is a second-factor code as the caller checked it: the time step of Key that a
// TOTP code matched, or a recovery code, which the store checks by its hash. The zero
// SecondFactor is a code that matched nothing; it is refused and counted.
type SecondFactor struct {
	Key          *TOTPKey
	Step         int64
	RecoveryCode string
}

// consumeSecondFactorTx uses up f for u: a TOTP time step newer than the last step used (of the
// secret still stored), or an unused recovery code. It returns "totp" or "recovery", or ""
// when the factor is not accepted ("replay" for a TOTP code of a step already used).
func consumeSecondFactorTx(tx *sql.Tx, u *domain.User, f SecondFactor, now time.Time) (string, error) {
	switch {
	case f.Key != nil:
		res, err := tx.Exec(`UPDATE users SET totp_last_step = ? WHERE sid = ? AND totp_last_step < ? AND totp_secret = ? AND totp_enabled_at IS NOT NULL`,
			f.Step, u.SID, f.Step, f.Key.sealed)
		if err != nil {
			return "", err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			// A step no newer than the last one used, of the secret still stored: a code that
			// was used already (or an older one), which says someone has seen a code.
			var replay bool
			err := tx.QueryRow(`SELECT EXISTS (SELECT 1 FROM users WHERE sid = ? AND totp_last_step >= ? AND totp_secret = ?
				AND totp_enabled_at IS NOT NULL)`, u.SID, f.Step, f.Key.sealed).Scan(&replay)
			if err != nil || !replay {
				return "", err
			}
			return "replay", nil
		}
		return "totp", nil
	case domain.IsRecoveryCode(domain.NormalizeCode(f.RecoveryCode)):
		res, err := tx.Exec(`UPDATE recovery_codes SET used_at = ? WHERE user_sid = ? AND code_hash = ? AND used_at IS NULL
			AND EXISTS (SELECT 1 FROM users WHERE sid = ? AND totp_enabled_at IS NOT NULL)`,
			ms(now), u.SID, auth.HashRecoveryCode(domain.NormalizeCode(f.RecoveryCode)), u.SID)
		if err != nil {
			return "", err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return "", nil
		}
		return "recovery", nil
	}
	return "", nil
}

// useSecondFactorTx uses up f for u and returns "totp" or "recovery". A factor that is not
// accepted gives "": it is counted as a failed attempt from src and audited as a failure of
// failAction, in tx, which the caller still commits; a TOTP code used before is audited as a
// replay (signin.code_replayed when signing in), since it means someone else has seen a code.
// A recovery code's use is audited with how many are left and, at sign-in, emailed to the user.
func (s *Store) useSecondFactorTx(tx *sql.Tx, u *domain.User, f SecondFactor, now time.Time, src SignInSource, failAction string) (string, error) {
	method, err := consumeSecondFactorTx(tx, u, f, now)
	switch {
	case err != nil:
		return "", err
	case method == "" || method == "replay":
		if err := s.recordFailureTx(tx, src); err != nil {
			return "", err
		}
		action, reason := failAction, "wrong code"
		if method == "replay" {
			reason = "code used before"
			if failAction == signInAction {
				action = "signin.code_replayed"
			}
		}
		return "", s.audit(tx, auditEntry{OrgSID: u.OrgSID, Actor: userActor(u, src.IP), Action: action, TargetType: "user",
			TargetSID: u.SID, After: map[string]string{"reason": reason}, Outcome: "failure"})
	case method == "recovery":
		return method, s.recoveryCodeUsedTx(tx, u, src.IP, failAction == signInAction)
	}
	return method, nil
}

// recoveryCodeUsedTx audits the use of one of u's recovery codes with how many are left and,
// for a sign-in, tells the user by email: a recovery code in someone else's hands is a
// password and a second factor. (Disabling two-factor or making new codes sends its own notice.)
func (s *Store) recoveryCodeUsedTx(tx *sql.Tx, u *domain.User, ip string, signIn bool) error {
	var left int
	if err := tx.QueryRow(`SELECT count(*) FROM recovery_codes WHERE user_sid = ? AND used_at IS NULL`, u.SID).Scan(&left); err != nil {
		return err
	}
	if signIn {
		err := s.enqueueEmail(tx, domain.Email{Kind: domain.EmailRecoveryCodeUsed, OrgSID: u.OrgSID, To: u.Email,
			Data: domain.EmailData{Name: u.Name, CodesLeft: left}})
		if err != nil {
			return err
		}
	}
	return s.audit(tx, auditEntry{OrgSID: u.OrgSID, Actor: userActor(u, ip), Action: "2fa.recovery_code.use", TargetType: "user",
		TargetSID: u.SID, After: map[string]int{"recovery_codes_left": left}})
}

func replaceRecoveryCodesTx(tx *sql.Tx, userSID string, codes []string) error {
	if _, err := tx.Exec(`DELETE FROM recovery_codes WHERE user_sid = ?`, userSID); err != nil {
		return err
	}
	for _, c := range codes {
		if _, err := tx.Exec(`INSERT INTO recovery_codes (user_sid, code_hash) VALUES (?, ?)`, userSID, auth.HashRecoveryCode(c)); err != nil {
			return err
		}
	}
	return nil
}

// securityNotice is the email of the kind that tells a user about a change to how they sign in.
func securityNotice(u *domain.User, kind domain.EmailKind) domain.Email {
	return domain.Email{Kind: kind, OrgSID: u.OrgSID, To: u.Email, Data: domain.EmailData{Name: u.Name}}
}
