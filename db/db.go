// Package db holds the numbered, append-only SQL migrations, embedded in the binary: SQLite's
// in migrations/, PostgreSQL's in migrations/postgres/ (a baseline, then a twin of each later
// SQLite migration with the same file name).
package db

import "embed"

// Migrations holds every migration file, applied in name order.
//
//go:embed migrations/*.sql migrations/postgres/*.sql
var Migrations embed.FS
