package store

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"database/sql/driver"
	"encoding/hex"
	"errors"
	"io"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
)

// What several instances on one PostgreSQL database share beyond the rows the store keeps
// anyway (sessions, throttle counters, the outbox, consumed TOTP steps and link tokens): the
// read cache's generation, the fingerprint of the keys, and the leases of background jobs.

// bumpChangeGeneration counts a commit in the database (PostgreSQL only), inside the write
// transaction, so that every instance's read cache sees it before its next request
// (SyncReadCache). Writes are one at a time (lockWrites), so the count it returns is exact: when
// it is one past the generation this instance last saw, no other instance wrote since, and this
// instance's own cache, retired by the commit anyway, need not be retired again.
func (s *Store) bumpChangeGeneration(ctx context.Context, tx *sql.Tx) error {
	var n int64
	if err := tx.QueryRowContext(ctx, `UPDATE change_generation SET n = n + 1 WHERE id = 1 RETURNING n`).Scan(&n); err != nil {
		return err
	}
	s.seenGen.CompareAndSwap(n-1, n)
	return nil
}

// SyncReadCache is the first thing each request does: on PostgreSQL it reads the database's
// change generation and retires every cached read when another instance has committed since this
// one last looked, so that a change made through any instance shows on the very next request to
// every other. One indexed single-row read; nothing on SQLite (one process writes the file) or
// with the read cache off.
func (s *Store) SyncReadCache(ctx context.Context) error {
	if !s.pg || s.cache.off {
		return nil
	}
	var n int64
	if err := s.rowRead(ctx, `SELECT n FROM change_generation WHERE id = 1`).Scan(&n); err != nil {
		return err
	}
	if old := s.seenGen.Load(); old != n && s.seenGen.CompareAndSwap(old, n) {
		s.cache.changed()
	}
	return nil
}

// KeysFingerprint is what the database keeps of an instance's keys to tell another instance's
// apart: a SHA-256 of them under a fixed label, never the keys.
func KeysFingerprint(keys ...[]byte) string {
	h := sha256.New()
	h.Write([]byte("admincenter keys fingerprint v1\x00"))
	for _, k := range keys {
		h.Write([]byte{byte(len(k) >> 8), byte(len(k))})
		h.Write(k)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// ErrKeysDiffer is CheckKeys' answer when the database was set up with other keys.
var ErrKeysDiffer = errors.New("the keys in the data folder (--data) are not the ones this database was set up with: " +
	"every instance on one database needs a copy of the first instance's session.key, encrypt.key and signing.key")

// CheckKeys records the fingerprint of the keys the first time, and afterwards refuses other
// keys: an instance whose keys differ could neither open the secrets the others sealed nor
// accept their tokens. On PostgreSQL only: the SQLite file lives beside its keys, and a backup
// restored into a new data folder starts with new ones (its sealed secrets then go unread, as
// before).
func (s *Store) CheckKeys(ctx context.Context, fingerprint string) error {
	if !s.pg {
		return nil
	}
	var stored string
	err := s.writeRetiring(ctx, func() {}, func(tx *sql.Tx) error {
		if _, err := tx.Exec(`INSERT INTO instance_settings (name, value) VALUES ('keys_fingerprint', ?) ON CONFLICT (name) DO NOTHING`, fingerprint); err != nil {
			return err
		}
		return tx.QueryRow(`SELECT value FROM instance_settings WHERE name = 'keys_fingerprint'`).Scan(&stored)
	})
	if err != nil {
		return err
	}
	if stored != fingerprint {
		return ErrKeysDiffer
	}
	return nil
}

// ClaimJob takes the lease of a background job for the duration, unless another instance (or
// an earlier run) holds one that has not run out: the job then runs on one instance at a time,
// and a killed instance's lease runs out for another to take.
func (s *Store) ClaimJob(ctx context.Context, name string, lease time.Duration) (bool, error) {
	now := s.Now()
	claimed := false
	err := s.writeRetiring(ctx, func() {}, func(tx *sql.Tx) error {
		rows, err := tx.Query(`INSERT INTO job_leases (name, expires_at) VALUES (?, ?)
			ON CONFLICT (name) DO UPDATE SET expires_at = excluded.expires_at WHERE job_leases.expires_at <= ? RETURNING name`,
			name, ms(now.Add(lease)), ms(now))
		if err != nil {
			return err
		}
		defer rows.Close()
		claimed = rows.Next()
		return rows.Err()
	})
	return claimed, err
}

// Unavailable reports whether err means the database could not be reached or went away (a
// lost connection, a server shutting down or starting): the request may work again later, and
// nothing was changed by halves (a transaction that did not commit rolled back).
func Unavailable(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, driver.ErrBadConn) || errors.Is(err, io.ErrUnexpectedEOF) {
		return true
	}
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) { // whatever the server said: no connection, no change
		return true
	}
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		// connection_exception, admin_shutdown, crash_shutdown, cannot_connect_now, too_many_connections
		return strings.HasPrefix(pe.Code, "08") || pe.Code == "57P01" || pe.Code == "57P02" || pe.Code == "57P03" || pe.Code == "53300"
	}
	// A network error (net.Error, said by its Timeout method, so that the store need not know
	// the net package): the socket to the server failed.
	var ne interface{ Timeout() bool }
	if errors.As(err, &ne) {
		return true
	}
	return strings.Contains(err.Error(), "conn closed") || strings.Contains(err.Error(), "connection reset")
}
