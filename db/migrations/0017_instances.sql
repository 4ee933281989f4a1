-- 0017: what several instances on one database share (on PostgreSQL; the tables exist on both
-- engines so that the store's SQL is one): the fingerprint of the keys the database was set up
-- with (never the keys), and the leases of background jobs that one instance at a time runs.
CREATE TABLE instance_settings (
  name  TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE job_leases (
  name       TEXT PRIMARY KEY,
  expires_at INTEGER NOT NULL
);
