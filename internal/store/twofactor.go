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
	errEnrollCode    = domain.FieldError("code", domain.MsgCodeWrongEnroll)
	errTOTPAlreadyOn = domain.Errorf(domain.EConflict, "Two-factor sign-in is already on for your user.")
	errTOTPOff       = domain.Errorf(domain.EConflict, "Two-factor sign-in is not on for your user.")
)

// EnableTOTP turns two-factor sign-in on with secret, once code proves the user's app has it.
// It stores the secret sealed, replaces the recovery codes with hashes of codes, ends the
// user's other sessions and writes the audit event, all in one transaction.
func (s *Store) EnableTOTP(ctx context.Context, u *domain.User, keepSession []byte, secret, code string, recoveryCodes []string, ip string) error {
	if m := domain.ValidateCodeInput(code); !m.IsZero() || !domain.IsTOTPCode(domain.NormalizeCode(code)) {
		if m.IsZero() {
			m = domain.MsgCodeTOTPOnly
		}
		return domain.FieldError("code", m)
	}
	step, ok := auth.MatchTOTP(secret, domain.NormalizeCode(code), s.Now())
	if !ok {
		return errEnrollCode
	}
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

// DisableTOTP turns two-factor sign-in off after checking the password and a current code
// (or a recovery code). It deletes the secret and the recovery codes and ends the user's
// other sessions. A wrong password or code counts as a failed attempt.
func (s *Store) DisableTOTP(ctx context.Context, u *domain.User, keepSession []byte, password, code, ip string) error {
	return s.reauthenticated(ctx, u, password, code, ip, "2fa.disable", func(tx *sql.Tx, now time.Time) error {
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

// RegenerateRecoveryCodes replaces the user's recovery codes after checking the password and a
// current code; the old codes stop working at once. It ends the user's other sessions.
func (s *Store) RegenerateRecoveryCodes(ctx context.Context, u *domain.User, keepSession []byte, password, code string, recoveryCodes []string, ip string) error {
	return s.reauthenticated(ctx, u, password, code, ip, "2fa.recovery_codes.regenerate", func(tx *sql.Tx, now time.Time) error {
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

// reauthenticated runs change in one transaction once the password and a second-factor code
// check out. Wrong ones are counted and audited (in a transaction of their own, since the
// change does not happen) and answered with field errors.
func (s *Store) reauthenticated(ctx context.Context, u *domain.User, password, code, ip, action string, change func(*sql.Tx, time.Time) error) error {
	if err := domain.ValidateReauthentication(password, code); err != nil {
		return err
	}
	_, pwOK, err := s.checkCurrentPassword(ctx, u, password, ip)
	if err != nil {
		return err
	}
	var failed error
	err = s.write(ctx, func(tx *sql.Tx) error {
		now := s.Now()
		method := ""
		if pwOK {
			var err error
			if method, err = s.consumeSecondFactorTx(tx, u, domain.NormalizeCode(code), now); err != nil {
				return err
			}
		}
		if !pwOK || method == "" {
			if err := s.recordFailureTx(tx, u.Email, ip); err != nil {
				return err
			}
			reason := "wrong password"
			failed = domain.FieldError("password", domain.MsgPasswordWrong)
			if pwOK {
				reason = "wrong code"
				failed = &domain.Error{Code: domain.EInvalid, Message: ErrWrongCode.Message, Fields: ErrWrongCode.Fields}
			}
			return s.audit(tx, auditEntry{OrgSID: u.OrgSID, Actor: userActor(u, ip), Action: action, TargetType: "user", TargetSID: u.SID,
				After: map[string]string{"reason": reason}, Outcome: "failure"})
		}
		if method == "recovery" {
			if err := s.auditRecoveryUseTx(tx, u, ip); err != nil {
				return err
			}
		}
		return change(tx, now)
	})
	if err != nil {
		return err
	}
	return failed
}

// CompleteTwoFactorSignIn finishes a two-step sign-in: the pending session named by pendingID
// and a TOTP or recovery code give a new, fully signed-in session (a new id: the pending one is
// deleted). Each time step and each recovery code is consumed by a conditional UPDATE, so of
// two concurrent submissions of one code exactly one wins. It returns the new raw session id.
func (s *Store) CompleteTwoFactorSignIn(ctx context.Context, pendingID, code, ip, userAgent string, p SessionPolicy) (string, *domain.User, error) {
	sess, u, err := s.FindSession(ctx, pendingID, p)
	if err != nil {
		return "", nil, err
	}
	if sess.State != domain.SessionPending2FA {
		return "", nil, ErrNoSession
	}
	if err := domain.FieldError("code", domain.ValidateCodeInput(code)); err != nil {
		return "", u, err
	}
	if err := s.CheckSignInThrottle(ctx, u, u.Email, ip); err != nil {
		return "", u, err
	}
	id := auth.NewToken()
	var failed error
	err = s.write(ctx, func(tx *sql.Tx) error {
		now := s.Now()
		method, err := s.consumeSecondFactorTx(tx, u, domain.NormalizeCode(code), now)
		if err != nil {
			return err
		}
		if method == "" {
			if err := s.recordFailureTx(tx, u.Email, ip); err != nil {
				return err
			}
			failed = ErrWrongCode
			return s.audit(tx, auditEntry{OrgSID: u.OrgSID, Actor: userActor(u, ip), Action: "signin.failure", TargetType: "user",
				TargetSID: u.SID, After: map[string]string{"reason": "wrong code"}, Outcome: "failure"})
		}
		// The pending session is used up; if it is already gone, a concurrent request won.
		res, err := tx.Exec(`DELETE FROM sessions WHERE id_hash = ? AND state = 'pending_2fa' AND expires_at > ?`, sess.IDHash, ms(now))
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return ErrNoSession
		}
		if _, err := tx.Exec(`INSERT INTO sessions (id_hash, user_sid, state, ip, user_agent, created_at, last_seen_at, expires_at)
			VALUES (?, ?, 'active', ?, ?, ?, ?, ?)`, auth.HashToken(id), u.SID, ip, truncate(userAgent, 300), ms(now), ms(now), ms(now.Add(p.Absolute))); err != nil {
			return err
		}
		if _, err := tx.Exec(`UPDATE users SET last_login_at = ? WHERE sid = ?`, ms(now), u.SID); err != nil {
			return err
		}
		if err := clearAccountFailuresTx(tx, u.Email); err != nil {
			return err
		}
		if method == "recovery" {
			if err := s.auditRecoveryUseTx(tx, u, ip); err != nil {
				return err
			}
		}
		return s.audit(tx, auditEntry{OrgSID: u.OrgSID, Actor: userActor(u, ip), Action: "signin.success", TargetType: "user",
			TargetSID: u.SID, After: map[string]string{"method": method}})
	})
	if err != nil {
		return "", u, err
	}
	if failed != nil {
		return "", u, failed
	}
	return id, u, nil
}

// consumeSecondFactorTx uses up code for u: a TOTP code of the current or previous step, newer
// than the last step used, or an unused recovery code. It returns "totp" or "recovery", or ""
// when the code is not accepted.
func (s *Store) consumeSecondFactorTx(tx *sql.Tx, u *domain.User, code string, now time.Time) (string, error) {
	switch {
	case domain.IsTOTPCode(code):
		var sealed []byte
		err := tx.QueryRow(`SELECT totp_secret FROM users WHERE sid = ? AND totp_enabled_at IS NOT NULL`, u.SID).Scan(&sealed)
		if errors.Is(err, sql.ErrNoRows) || (err == nil && sealed == nil) {
			return "", nil
		}
		if err != nil {
			return "", err
		}
		secret, err := s.sealer.Open(sealed)
		if err != nil {
			return "", err
		}
		step, ok := auth.MatchTOTP(string(secret), code, now)
		if !ok {
			return "", nil
		}
		res, err := tx.Exec(`UPDATE users SET totp_last_step = ? WHERE sid = ? AND totp_last_step < ?`, step, u.SID, step)
		if err != nil {
			return "", err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return "", nil
		}
		return "totp", nil
	case domain.IsRecoveryCode(code):
		res, err := tx.Exec(`UPDATE recovery_codes SET used_at = ? WHERE user_sid = ? AND code_hash = ? AND used_at IS NULL
			AND EXISTS (SELECT 1 FROM users WHERE sid = ? AND totp_enabled_at IS NOT NULL)`,
			ms(now), u.SID, auth.HashRecoveryCode(code), u.SID)
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

func (s *Store) auditRecoveryUseTx(tx *sql.Tx, u *domain.User, ip string) error {
	var left int
	if err := tx.QueryRow(`SELECT count(*) FROM recovery_codes WHERE user_sid = ? AND used_at IS NULL`, u.SID).Scan(&left); err != nil {
		return err
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

// checkCurrentPassword checks a signed-in user's password for a sensitive change, under the same
// throttle as sign-in. The hash is read again: the user in hand may be from before a password change.
// It returns the hash it checked against, for a change that must not overwrite a newer one.
func (s *Store) checkCurrentPassword(ctx context.Context, u *domain.User, password, ip string) (string, bool, error) {
	if err := s.CheckSignInThrottle(ctx, u, u.Email, ip); err != nil {
		return "", false, err
	}
	fresh, err := s.FindUserBySID(ctx, u.SID)
	if err != nil {
		return "", false, err
	}
	ok, err := auth.CheckPassword(fresh.PasswordHash, password)
	return fresh.PasswordHash, ok, err
}
