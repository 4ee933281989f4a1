// Package db holds the numbered, append-only SQL migrations, embedded in the binary.
package db

import "embed"

// Migrations holds every migration file, applied in name order.
//
//go:embed migrations/*.sql
var Migrations embed.FS
