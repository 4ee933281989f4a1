package store

import (
	"context"
	"database/sql"
)

// The hot read queries (the Accounts list, its counts, the account guard) run as prepared
// statements cached per Store (Store.stmts: query text → *sql.Stmt on the reader pool): preparing
// a query costs about a fifth of running it. database/sql keeps one prepared copy per reader
// connection and binds it to each transaction.

// queryRead runs a cached prepared query inside tx, a transaction of the reader pool.
func (s *Store) queryRead(ctx context.Context, tx *sql.Tx, query string, args ...any) (*sql.Rows, error) {
	if st := s.txStmt(ctx, tx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return tx.QueryContext(ctx, query, args...)
}

// queryRowRead is queryRead for one row.
func (s *Store) queryRowRead(ctx context.Context, tx *sql.Tx, query string, args ...any) *sql.Row {
	if st := s.txStmt(ctx, tx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return tx.QueryRowContext(ctx, query, args...)
}

// txStmt binds the cached statement of query to tx, or returns nil when it is not cached yet:
// the query then runs unprepared and is prepared for the cache in the background. Preparing it
// here on the pool would wait for a free reader connection while tx holds one: with every reader
// in a transaction making its first such query at once, the pool would deadlock.
func (s *Store) txStmt(ctx context.Context, tx *sql.Tx, query string) *sql.Stmt {
	if st, ok := s.stmts.Load(query); ok {
		return tx.StmtContext(ctx, st.(*sql.Stmt))
	}
	if _, busy := s.preparing.LoadOrStore(query, true); !busy {
		go func() {
			defer s.preparing.Delete(query)
			_, _ = s.readStmt(context.Background(), query)
		}()
	}
	return nil
}

func (s *Store) readStmt(ctx context.Context, query string) (*sql.Stmt, error) {
	if st, ok := s.stmts.Load(query); ok {
		return st.(*sql.Stmt), nil
	}
	st, err := s.r.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	if prev, loaded := s.stmts.LoadOrStore(query, st); loaded {
		st.Close()
		return prev.(*sql.Stmt), nil
	}
	return st, nil
}

// closeStmts closes the cached statements, before the reader pool closes.
func (s *Store) closeStmts() {
	s.stmts.Range(func(k, v any) bool {
		v.(*sql.Stmt).Close()
		s.stmts.Delete(k)
		return true
	})
}

// rowRead runs a cached prepared one-row query on the reader pool, outside a transaction: for
// the lookups every page makes (its session, its organization).
func (s *Store) rowRead(ctx context.Context, query string, args ...any) *sql.Row {
	st, err := s.readStmt(ctx, query)
	if err != nil {
		return s.r.QueryRowContext(ctx, query, args...) // reports the same error when scanned
	}
	return st.QueryRowContext(ctx, args...)
}

// rowsRead is rowRead for a query of several rows. A read of one statement needs no transaction
// of its own (the statement reads one snapshot): on PostgreSQL a read transaction costs two more
// round trips to the server (BEGIN and ROLLBACK), more than such a query itself.
func (s *Store) rowsRead(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	st, err := s.readStmt(ctx, query)
	if err != nil {
		return s.r.QueryContext(ctx, query, args...)
	}
	return st.QueryContext(ctx, args...)
}
