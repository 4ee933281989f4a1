// Package store holds all of Admin Center's SQL. Every exported method is one transaction.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"path"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"admincenter/db"
	"admincenter/internal/domain"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// Store is the store: on SQLite one writer connection and a pool of readers of the file; on
// PostgreSQL (postgres.go) two pools of one database, for writes and for reads.
type Store struct {
	w      *sql.DB
	r      *sql.DB
	pg     bool             // PostgreSQL: statements are rewritten at the driver (dialect.go)
	url    string           // PostgreSQL: the database's URL
	Now    func() time.Time // the clock; tests replace it
	sealer Sealer           // seals link tokens in the outbox and TOTP secrets (Options.Sealer)
	stmts  sync.Map         // prepared hot read queries (stmtcache.go)
	// preparing holds the queries being prepared for stmts in the background.
	preparing sync.Map
	plans     searchPlans  // how each recent search fragment is best found (accounts.go)
	cache     readCache    // results of the hot reads, until the next commit (readcache.go)
	seenGen   atomic.Int64 // PostgreSQL: the database's change generation last seen (cluster.go)
}

// Options is what a store needs besides its file.
type Options struct {
	// Sealer seals the secrets the store keeps: emailed link tokens in the outbox, TOTP secrets.
	// Only a store that never keeps one (a maintenance command, some tests) may go without.
	Sealer Sealer
	// NoReadCache makes every read go to the database (--read-cache=false), as when measuring
	// what the queries themselves cost.
	NoReadCache bool
}

// Open opens the database and applies migrations: path is a postgres:// URL (postgres.go) or
// the SQLite file, created if needed.
func Open(ctx context.Context, path string, opts Options) (*Store, error) {
	if IsPostgresURL(path) {
		return openPostgres(ctx, path, opts)
	}
	w, err := sql.Open("sqlite", dsn(path, true))
	if err != nil {
		return nil, err
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	r, err := sql.Open("sqlite", dsn(path, false))
	if err != nil {
		w.Close()
		return nil, err
	}
	r.SetMaxOpenConns(readers)
	r.SetMaxIdleConns(readers)
	r.SetConnMaxLifetime(0)
	s := &Store{w: w, r: r, Now: func() time.Time { return time.Now().UTC() }, sealer: opts.Sealer}
	s.cache.off = opts.NoReadCache
	if err := s.migrate(ctx); err != nil {
		s.Close()
		return nil, fmt.Errorf("migrate %s: %w", path, err)
	}
	return s, nil
}

// The connections to the database file. Each SQLite connection keeps its own cached pages,
// and a commit on any connection makes every other one drop all of them at its next
// transaction (freeing them one by one): with writes a few times a second, a reader's cache only
// ever holds what the requests since the last commit touched. So the readers keep small caches:
// a large one held four copies of the same hot pages (peak anonymous memory under the mixed
// load 199 → ~100 MB) and cost the most to empty. Memory-mapped reads (mmap_size) are off:
// SQLite unmaps the file after every change, and re-faulting its pages cost the readers more
// than reading them saved.
const (
	readers        = 4    // reader connections, for 2+ cores and the odd long export
	readerCacheKiB = 2000 // page cache per reader connection
	writerCacheKiB = 8000 // the writer's: its cache survives its own commits
)

func dsn(path string, writer bool) string {
	q := url.Values{}
	cache := readerCacheKiB
	if writer {
		cache = writerCacheKiB
	}
	for _, p := range []string{"foreign_keys(1)", "journal_mode(WAL)", "synchronous(FULL)", "busy_timeout(5000)",
		fmt.Sprintf("cache_size(-%d)", cache), "temp_store(MEMORY)"} {
		q.Add("_pragma", p)
	}
	if writer {
		q.Set("_txlock", "immediate")
	} else {
		q.Add("_pragma", "query_only(1)")
	}
	return "file:" + path + "?" + q.Encode()
}

// Close checkpoints the WAL and closes the database.
func (s *Store) Close() error {
	s.closeStmts()
	if !s.pg {
		_, _ = s.w.Exec("PRAGMA wal_checkpoint(TRUNCATE)")
	}
	err1 := s.r.Close()
	err2 := s.w.Close()
	return errors.Join(err1, err2)
}

// Ping reports whether the database answers.
func (s *Store) Ping(ctx context.Context) error {
	var one int
	return s.r.QueryRowContext(ctx, "SELECT 1").Scan(&one)
}

func (s *Store) migrate(ctx context.Context) error {
	if _, err := s.w.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)`); err != nil {
		return err
	}
	names, err := fs.Glob(db.Migrations, "migrations/*.sql")
	if err != nil {
		return err
	}
	sort.Strings(names)
	if err := refuseUnknownMigrations(ctx, s.w, names); err != nil {
		return err
	}
	for _, name := range names {
		err := s.write(ctx, func(tx *sql.Tx) error {
			var n int
			if err := tx.QueryRow(`SELECT count(*) FROM schema_migrations WHERE name = ?`, name).Scan(&n); err != nil || n > 0 {
				return err
			}
			body, err := fs.ReadFile(db.Migrations, name)
			if err != nil {
				return err
			}
			if _, err := tx.Exec(string(body)); err != nil {
				return fmt.Errorf("%s: %w", name, err)
			}
			_, err = tx.Exec(`INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)`, name, ms(s.Now()))
			return err
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// refuseUnknownMigrations refuses a database file with a migration this binary does not know
// among its applied ones: a newer version set it up (a copy restored into an older install),
// and this one would misread what it does not know.
func refuseUnknownMigrations(ctx context.Context, db *sql.DB, known []string) error {
	rows, err := db.QueryContext(ctx, `SELECT name FROM schema_migrations ORDER BY name`)
	if err != nil {
		return err
	}
	defer rows.Close()
	var unknown []string
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			return err
		}
		if !slices.Contains(known, name) {
			unknown = append(unknown, path.Base(name))
		}
	}
	if err := rows.Err(); err != nil {
		return err
	}
	if len(unknown) > 0 {
		return fmt.Errorf("the database was set up by a newer version of Admin Center (migrations %s are unknown to this one): run that version or newer", strings.Join(unknown, ", "))
	}
	return nil
}

// write runs fn in one immediate (write-locked) transaction; its commit retires every cached read.
func (s *Store) write(ctx context.Context, fn func(*sql.Tx) error) error {
	return s.writeRetiring(ctx, s.cache.changed, fn)
}

// writeRetiring is write for a change that only some cached reads can see: retire retires them
// (readcache.go).
func (s *Store) writeRetiring(ctx context.Context, retire func(), fn func(*sql.Tx) error) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback() // also when fn panics: the one writer connection must come back; a no-op after Commit
	if s.pg {
		if err := lockWrites(ctx, tx); err != nil {
			return err
		}
	}
	if err := fn(tx); err != nil {
		return err
	}
	if s.pg {
		if err := s.bumpChangeGeneration(ctx, tx); err != nil {
			return err
		}
	}
	// Cached reads retire even when Commit reports an error: the change may have landed.
	defer retire()
	return tx.Commit()
}

// retireAudit retires the cached audit log only, after a change that wrote nothing else a
// cached read reads (a failed sign-in, a sign-out).
func (s *Store) retireAudit() { s.cache.changedTopics(topicAudit) }

// execUncached runs one statement on the writer outside a transaction of write's, for the
// bookkeeping of tables that no cached read reads (a session's last-seen time, an OAuth app's
// last token): it retires no cached read.
func (s *Store) execUncached(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return s.w.ExecContext(ctx, query, args...)
}

// read runs fn in one read-only transaction on the reader pool, so that a page
// sees one consistent snapshot.
func (s *Store) read(ctx context.Context, fn func(*sql.Tx) error) error {
	opts := &sql.TxOptions{ReadOnly: true}
	if s.pg {
		opts.Isolation = sql.LevelRepeatableRead // one snapshot for the whole read, as on SQLite
	}
	tx, err := s.r.BeginTx(ctx, opts)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	return fn(tx)
}

// ms converts a time to the stored Unix milliseconds.
func ms(t time.Time) int64 { return t.UnixMilli() }

// fromMS converts stored Unix milliseconds to a UTC time; NULL gives the zero time.
func fromMS(v sql.NullInt64) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return time.UnixMilli(v.Int64).UTC()
}

func nullMS(t time.Time) sql.NullInt64 {
	if t.IsZero() {
		return sql.NullInt64{}
	}
	return sql.NullInt64{Int64: ms(t), Valid: true}
}

func nullString(s string) sql.NullString { return sql.NullString{String: s, Valid: s != ""} }

// placeholders returns "?, ?, ?" for n values.
func placeholders(n int) string { return strings.TrimSuffix(strings.Repeat("?, ", n), ", ") }

func notFound(what string) error { return domain.Errorf(domain.ENotFound, "%s was not found.", what) }

// Backup writes a consistent copy of the live database to path (one SQLite file, WAL folded in).
// It runs on a reader connection, so writers carry on meanwhile; VACUUM INTO writes only the new file,
// but the reader pool is query_only, so the pragma is lifted on this one connection for the copy.
func (s *Store) Backup(ctx context.Context, path string) error {
	if s.pg {
		return errBackupPostgres
	}
	conn, err := s.r.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `PRAGMA query_only = 0`); err != nil {
		return err
	}
	defer conn.ExecContext(context.Background(), `PRAGMA query_only = 1`)
	_, err = conn.ExecContext(ctx, `VACUUM INTO ?`, path)
	return err
}

// keysetPage turns rows fetched with LIMIT limit+1 into one page: it drops the extra row, puts a
// page read backwards (before a cursor) back in display order, and gives the cursors of the pages
// after it and before it ("" where there is none), made from a row's sort key. The one pagination
// rule behind every keyset-paged list.
func keysetPage[T any](rows []T, limit int, backwards, fromCursor bool, key func(T) []string) (page []T, next, prev string) {
	more := len(rows) > limit
	if more {
		rows = rows[:limit]
	}
	if backwards {
		slices.Reverse(rows)
	}
	if len(rows) == 0 {
		return rows, "", ""
	}
	if more || backwards {
		next = domain.CursorAfter(key(rows[len(rows)-1])...).String()
	}
	if (backwards && more) || (!backwards && fromCursor) {
		prev = domain.CursorBefore(key(rows[0])...).String()
	}
	return rows, next, prev
}
