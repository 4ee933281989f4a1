package store

import (
	"context"
	"database/sql/driver"
	"errors"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
)

// The store writes its SQL once, in SQLite's dialect. On PostgreSQL every statement passes
// through pgDialect.rewrite at the driver (pgConnector below), so no store method knows which
// engine it runs on, except where the engines differ in more than spelling (Store.pg: the
// search plan of the Accounts list, seeding, backups, migrations). What the rewrite changes:
//
//   - placeholders: ? and ?N become $n and $N;
//   - SQLite's index hints (INDEXED BY x, a unary + on a column) are dropped;
//   - LIKE becomes ILIKE: SQLite's LIKE ignores the case of ASCII letters;
//   - group_concat(x) becomes string_agg(x::text, ','), max(bool) bool_or;
//   - COLLATE NOCASE stays as written: the PostgreSQL schema defines a case-insensitive ICU
//     collation named nocase (db/migrations/postgres/0001_schema.sql);
//   - CROSS JOIN … ON (SQLite's way of fixing the join order) becomes JOIN … ON;
//   - INSERT OR IGNORE becomes INSERT … ON CONFLICT DO NOTHING.
//
// Arguments: a Go bool is stored as 0 or 1, as SQLite does (the schema keeps flags in integers).
type pgDialect struct {
	rewritten sync.Map // SQLite text → PostgreSQL text
}

var (
	reIndexedBy   = regexp.MustCompile(`(?i)\s+INDEXED\s+BY\s+\w+`)
	reUnaryPlus   = regexp.MustCompile(`(^|[\s(,])\+([a-z_]+\.[a-z_]+)`)
	reLike        = regexp.MustCompile(`\bLIKE\b`)
	reGroupConcat = regexp.MustCompile(`(?i)group_concat\(([^()]*)\)`)
	reMaxBool     = regexp.MustCompile(`(?i)\bmax\(([a-z_.]+ = '[a-z_]+')\)`)
	reOrIgnore    = regexp.MustCompile(`(?i)INSERT\s+OR\s+IGNORE\s+INTO`)
	reCrossJoin   = regexp.MustCompile(`\bCROSS JOIN\b`)
)

// rawSQL starts a statement that is PostgreSQL already (a migration): rewrite leaves it alone.
const rawSQL = "/* postgres */ "

// rewrite turns one SQLite statement into PostgreSQL's, remembering the answer.
func (d *pgDialect) rewrite(q string) string {
	if strings.HasPrefix(q, rawSQL) {
		return q
	}
	if v, ok := d.rewritten.Load(q); ok {
		return v.(string)
	}
	out := rewriteSQL(q)
	d.rewritten.Store(q, out)
	return out
}

func rewriteSQL(q string) string {
	// Placeholders first, outside string literals and quoted names.
	var b strings.Builder
	n := 0
	for i := 0; i < len(q); i++ {
		c := q[i]
		switch c {
		case '\'', '"':
			j := strings.IndexByte(q[i+1:], c)
			if j < 0 {
				b.WriteString(q[i:])
				i = len(q)
				continue
			}
			b.WriteString(q[i : i+j+2])
			i += j + 1
		case '?':
			k := i + 1
			for k < len(q) && q[k] >= '0' && q[k] <= '9' {
				k++
			}
			if k > i+1 {
				b.WriteString("$" + q[i+1:k])
				i = k - 1
			} else {
				n++
				b.WriteString("$" + strconv.Itoa(n))
			}
		default:
			b.WriteByte(c)
		}
	}
	s := b.String()
	s = reIndexedBy.ReplaceAllString(s, "")
	s = reUnaryPlus.ReplaceAllString(s, "$1$2")
	s = reLike.ReplaceAllString(s, "ILIKE")
	s = reCrossJoin.ReplaceAllString(s, "JOIN") // SQLite's CROSS JOIN … ON fixes the join order
	s = reGroupConcat.ReplaceAllString(s, "string_agg(($1)::text, ',')")
	s = reMaxBool.ReplaceAllString(s, "bool_or($1)")
	if reOrIgnore.MatchString(s) {
		s = reOrIgnore.ReplaceAllString(s, "INSERT INTO")
		s = strings.TrimRight(strings.TrimSpace(s), ";") + " ON CONFLICT DO NOTHING"
	}
	return s
}

// pgConnector opens pgx connections whose statements are rewritten (above).
type pgConnector struct {
	inner driver.Connector
	d     *pgDialect
}

func (c *pgConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.inner.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return &pgConn{Conn: conn.(*stdlib.Conn), d: c.d}, nil
}

func (c *pgConnector) Driver() driver.Driver { return c.inner.Driver() }

// pgConn is a pgx connection that speaks the store's SQL.
type pgConn struct {
	*stdlib.Conn
	d *pgDialect
}

func (c *pgConn) Prepare(q string) (driver.Stmt, error) { return c.Conn.Prepare(c.d.rewrite(q)) }

func (c *pgConn) PrepareContext(ctx context.Context, q string) (driver.Stmt, error) {
	return c.Conn.PrepareContext(ctx, c.d.rewrite(q))
}

func (c *pgConn) ExecContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Result, error) {
	return c.Conn.ExecContext(ctx, c.d.rewrite(q), args)
}

func (c *pgConn) QueryContext(ctx context.Context, q string, args []driver.NamedValue) (driver.Rows, error) {
	return c.Conn.QueryContext(ctx, c.d.rewrite(q), args)
}

// CheckNamedValue stores a bool as 0 or 1, as SQLite does; everything else goes to pgx as it is.
func (c *pgConn) CheckNamedValue(nv *driver.NamedValue) error {
	if b, ok := nv.Value.(bool); ok {
		nv.Value = int64(0)
		if b {
			nv.Value = int64(1)
		}
		return nil
	}
	return c.Conn.CheckNamedValue(nv)
}

// pgUniqueViolation reports whether err is PostgreSQL's unique_violation (SQLite's "UNIQUE
// constraint failed").
func pgUniqueViolation(err error) bool {
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "23505"
}

// skipLocked is the locking clause of a query that claims rows for one worker among several:
// on PostgreSQL FOR UPDATE SKIP LOCKED (a row another instance is claiming is passed over, not
// waited for); nothing on SQLite, where one writer at a time claims.
func (s *Store) skipLocked() string {
	if s.pg {
		return " FOR UPDATE SKIP LOCKED"
	}
	return ""
}
