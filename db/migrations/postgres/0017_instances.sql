-- 0017 (PostgreSQL twin): the fingerprint of the keys and the leases of background jobs, as on
-- SQLite; and the count of commits, which every instance reads at the start of each request to
-- know whether another instance changed anything its read cache holds.
CREATE TABLE instance_settings (
  name  text PRIMARY KEY,
  value text NOT NULL
);
CREATE TABLE job_leases (
  name       text PRIMARY KEY,
  expires_at bigint NOT NULL
);
CREATE TABLE change_generation (
  id integer PRIMARY KEY CHECK (id = 1),
  n  bigint NOT NULL
);
INSERT INTO change_generation (id, n) VALUES (1, 0);
