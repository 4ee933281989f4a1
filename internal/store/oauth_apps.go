package store

import (
	"context"
	"crypto/subtle"
	"database/sql"
	"errors"
	"time"

	"admincenter/internal/auth"
	"admincenter/internal/domain"
)

const oauthAppColumns = `o.sid, o.org_sid, o.name, coalesce(o.created_by, ''), coalesce(u.email, ''), o.created_at, o.revoked_at, o.last_token_at`

const oauthAppFrom = ` FROM oauth_apps o LEFT JOIN users u ON u.sid = o.created_by `

// scanOAuthApp scans oauthAppColumns, then any extra columns into extra.
func scanOAuthApp(row scanner, extra ...any) (*domain.OAuthApp, error) {
	var a domain.OAuthApp
	var created, revoked, lastToken sql.NullInt64
	dest := append([]any{&a.SID, &a.OrgSID, &a.Name, &a.CreatedBy, &a.CreatedByEmail, &created, &revoked, &lastToken}, extra...)
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	a.CreatedAt, a.RevokedAt, a.LastTokenAt = fromMS(created), fromMS(revoked), fromMS(lastToken)
	return &a, nil
}

// CreateOAuthApp creates client credentials for the creator's organization. It returns the app
// and its secret, which is stored only as a hash and cannot be shown again.
func (s *Store) CreateOAuthApp(ctx context.Context, creator *domain.User, name, ip string) (*domain.OAuthApp, string, error) {
	name, problem := domain.ValidateAppName(name)
	if err := domain.FieldError("name", problem); err != nil {
		return nil, "", err
	}
	if !creator.OrgAdmin() {
		return nil, "", domain.Fail(domain.EForbidden, domain.MsgOAuthAppNeedAdmin)
	}
	secret := auth.NewToken()
	now := s.Now()
	app := &domain.OAuthApp{SID: domain.NewSID(domain.PrefixOAuthApp), OrgSID: creator.OrgSID, Name: name,
		CreatedBy: creator.SID, CreatedByEmail: creator.Email, CreatedAt: now}
	err := s.write(ctx, func(tx *sql.Tx) error {
		if _, err := tx.Exec(`INSERT INTO oauth_apps (sid, org_sid, name, secret_hash, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
			app.SID, app.OrgSID, app.Name, auth.HashToken(secret), creator.SID, ms(now)); err != nil {
			return err
		}
		return s.audit(tx, auditEntry{OrgSID: app.OrgSID, Actor: userActor(creator, ip), Action: "oauth_app.create",
			TargetType: "oauth_app", TargetSID: app.SID, After: map[string]string{"name": app.Name}})
	})
	if err != nil {
		return nil, "", err
	}
	return app, secret, nil
}

// ListOAuthApps returns the organization's OAuth apps, newest first, revoked ones included.
func (s *Store) ListOAuthApps(ctx context.Context, orgSID string) ([]*domain.OAuthApp, error) {
	var out []*domain.OAuthApp
	err := s.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.Query(`SELECT `+oauthAppColumns+oauthAppFrom+`WHERE o.org_sid = ? ORDER BY o.created_at DESC, o.sid DESC LIMIT 500`, orgSID)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			a, err := scanOAuthApp(rows)
			if err != nil {
				return err
			}
			out = append(out, a)
		}
		return rows.Err()
	})
	return out, err
}

// RevokeOAuthApp revokes an app of the actor's organization: its secret and every token issued
// to it stop working at once.
func (s *Store) RevokeOAuthApp(ctx context.Context, actor *domain.User, sid, ip string) (*domain.OAuthApp, error) {
	if !domain.ValidSID(domain.PrefixOAuthApp, sid) || !actor.OrgAdmin() {
		return nil, notFound("The OAuth app")
	}
	var app *domain.OAuthApp
	err := s.write(ctx, func(tx *sql.Tx) error {
		a, err := scanOAuthApp(tx.QueryRow(`SELECT `+oauthAppColumns+oauthAppFrom+`WHERE o.sid = ? AND o.org_sid = ?`, sid, actor.OrgSID))
		if errors.Is(err, sql.ErrNoRows) {
			return notFound("The OAuth app")
		}
		if err != nil {
			return err
		}
		if a.Revoked() {
			return domain.Fail(domain.EConflict, domain.MsgOAuthAppRevoked.With(a.Name))
		}
		now := s.Now()
		if _, err := tx.Exec(`UPDATE oauth_apps SET revoked_at = ? WHERE sid = ?`, ms(now), a.SID); err != nil {
			return err
		}
		a.RevokedAt = now
		app = a
		return s.audit(tx, auditEntry{OrgSID: a.OrgSID, Actor: userActor(actor, ip), Action: "oauth_app.revoke", TargetType: "oauth_app",
			TargetSID: a.SID, After: map[string]string{"name": a.Name}})
	})
	return app, err
}

// ErrBadClient is the one answer to wrong, unknown or revoked client credentials.
var ErrBadClient = domain.Errorf(domain.EUnauthorized, "The client credentials are not valid.")

// AuthenticateOAuthApp returns the live app whose client id and secret these are.
func (s *Store) AuthenticateOAuthApp(ctx context.Context, clientID, secret string) (*domain.OAuthApp, error) {
	if !domain.ValidSID(domain.PrefixOAuthApp, clientID) || secret == "" {
		return nil, ErrBadClient
	}
	var hash []byte
	a, err := scanOAuthApp(s.r.QueryRowContext(ctx, `SELECT `+oauthAppColumns+`, o.secret_hash`+oauthAppFrom+`WHERE o.sid = ?`, clientID), &hash)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrBadClient
	}
	if err != nil {
		return nil, err
	}
	if subtle.ConstantTimeCompare(hash, auth.HashToken(secret)) != 1 || a.Revoked() {
		return nil, ErrBadClient
	}
	// The OAuth apps page shows when each app last got a token; to the minute is enough, and
	// spares a write for every token of a client that asks too often.
	if now := s.Now(); now.Sub(a.LastTokenAt) >= time.Minute {
		if _, err := s.execUncached(ctx, `UPDATE oauth_apps SET last_token_at = ? WHERE sid = ?`, ms(now), a.SID); err != nil {
			return nil, err
		}
		a.LastTokenAt = now
	}
	return a, nil
}

// FindOAuthApp returns the app with the client id, revoked or not.
func (s *Store) FindOAuthApp(ctx context.Context, sid string) (*domain.OAuthApp, error) {
	if !domain.ValidSID(domain.PrefixOAuthApp, sid) {
		return nil, notFound("The OAuth app")
	}
	a, err := scanOAuthApp(s.r.QueryRowContext(ctx, `SELECT `+oauthAppColumns+oauthAppFrom+`WHERE o.sid = ?`, sid))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound("The OAuth app")
	}
	return a, err
}
