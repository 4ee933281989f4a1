-- 0009: "Forgot your password?" links. Only the SHA-256 of a link's token is kept; a link works
-- once, for an hour, and a newer one for the same user retires the older.
CREATE TABLE password_resets (
  id         INTEGER PRIMARY KEY,
  user_sid   TEXT NOT NULL REFERENCES users(sid) ON DELETE CASCADE,
  token_hash BLOB NOT NULL UNIQUE,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at    INTEGER
);
CREATE INDEX password_resets_user ON password_resets(user_sid, created_at);
