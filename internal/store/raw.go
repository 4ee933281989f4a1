package store

import (
	"context"
	"database/sql"
)

// Exec runs one statement in its own write transaction and retires the cached reads like every
// commit. It is the way in for the changes no store method makes on purpose, such as the fixtures
// of internal/store/storetest, which keep their SQL beside the store's.
func (s *Store) Exec(ctx context.Context, query string, args ...any) error {
	return s.write(ctx, func(tx *sql.Tx) error {
		_, err := tx.Exec(query, args...)
		return err
	})
}

// Query runs one read-only statement on the reader pool; the caller closes the rows.
func (s *Store) Query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return s.r.QueryContext(ctx, query, args...)
}
