package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"

	"admincenter/db"
)

// IsPostgresURL reports whether a database setting names a PostgreSQL database.
func IsPostgresURL(s string) bool {
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}

// redact is a database URL without its password, for messages.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "the PostgreSQL database"
	}
	return u.Redacted()
}

// Pool sizes on PostgreSQL. Writes take one lock for the whole database (lockWrites), so more
// writer connections than a few would only wait.
const (
	pgWriters = 4
	pgReaders = 8
)

// errBackupPostgres is Backup's answer on PostgreSQL: the database is backed up with its own tools.
var errBackupPostgres = errors.New("the database is PostgreSQL: back it up with pg_dump (for example pg_dump --format=custom --file=admincenter.dump \"$ADMINCENTER_DATABASE\") and restore with pg_restore; the backup command copies the SQLite file only")

func openPostgres(ctx context.Context, rawURL string, opts Options) (*Store, error) {
	cfg, err := pgx.ParseConfig(rawURL)
	if err != nil {
		return nil, fmt.Errorf("--database (ADMINCENTER_DATABASE): %s is not a PostgreSQL URL this program can use", redact(rawURL))
	}
	conn := &pgConnector{inner: stdlib.GetConnector(*cfg), d: &pgDialect{}}
	w := sql.OpenDB(conn)
	w.SetMaxOpenConns(pgWriters)
	w.SetMaxIdleConns(pgWriters)
	w.SetConnMaxLifetime(time.Hour)
	r := sql.OpenDB(conn)
	r.SetMaxOpenConns(pgReaders)
	r.SetMaxIdleConns(pgReaders)
	r.SetConnMaxLifetime(time.Hour)
	s := &Store{w: w, r: r, pg: true, url: rawURL, Now: func() time.Time { return time.Now().UTC() }, sealer: opts.Sealer}
	s.cache.off = opts.NoReadCache
	pctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	if err := w.PingContext(pctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("cannot reach the PostgreSQL database %s: %w", redact(rawURL), err)
	}
	if err := s.migratePostgres(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("migrate %s: %w", redact(rawURL), err)
	}
	return s, nil
}

// Advisory lock keys: one for migrations (held while an instance migrates, so that instances
// starting together migrate once), one that every write transaction takes (lockWrites).
const (
	pgLockMigrate = 0x41434d /* "ACM" */
	pgLockWrite   = 0x414357 /* "ACW" */
)

// lockWrites makes a write transaction on PostgreSQL wait for every other one, on every
// instance, to end: the store's transactions were written for SQLite's one writer at a time
// (read, check, then write), and this keeps their meaning — the last Owner stays, a link or a
// TOTP step is used once — without rewriting each as a serializable retry loop.
func lockWrites(ctx context.Context, tx *sql.Tx) error {
	_, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(?)`, int64(pgLockWrite))
	return err
}

// migratePostgres applies the migrations of db/migrations/postgres not yet applied, under an
// advisory lock, and refuses a database that has one this binary does not know (a newer
// version set it up).
func (s *Store) migratePostgres(ctx context.Context) error {
	conn, err := s.w.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock(?)`, int64(pgLockMigrate)); err != nil {
		return err
	}
	defer conn.ExecContext(context.Background(), `SELECT pg_advisory_unlock(?)`, int64(pgLockMigrate))
	if _, err := conn.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (name text PRIMARY KEY, applied_at bigint NOT NULL)`); err != nil {
		return err
	}
	files, err := fs.Glob(db.Migrations, "migrations/postgres/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(files)
	known := map[string]bool{}
	for _, f := range files {
		known[path.Base(f)] = true
	}
	applied := map[string]bool{}
	rows, err := conn.QueryContext(ctx, `SELECT name FROM schema_migrations`)
	if err != nil {
		return err
	}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			rows.Close()
			return err
		}
		applied[name] = true
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	var unknown []string
	for name := range applied {
		if !known[name] {
			unknown = append(unknown, name)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		return fmt.Errorf("the database was set up by a newer version of Admin Center (migrations %s are unknown to this one): run that version or newer", strings.Join(unknown, ", "))
	}
	for _, f := range files {
		name := path.Base(f)
		if applied[name] {
			continue
		}
		body, err := fs.ReadFile(db.Migrations, f)
		if err != nil {
			return err
		}
		tx, err := conn.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		// The migration's own text goes to the server as it is: it is PostgreSQL already.
		if _, err := tx.ExecContext(ctx, rawSQL+string(body)); err != nil {
			tx.Rollback()
			return fmt.Errorf("%s: %w", name, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)`, name, ms(s.Now())); err != nil {
			tx.Rollback()
			return err
		}
		if err := tx.Commit(); err != nil {
			return err
		}
	}
	return nil
}
