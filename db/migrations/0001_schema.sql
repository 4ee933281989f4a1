-- 0001: the whole data model of SPEC §2. Times are Unix milliseconds (UTC).
-- Append-only: later changes go in new numbered files.

CREATE TABLE organizations (
  sid        TEXT PRIMARY KEY CHECK (sid GLOB 'OR[0-9a-f]*' AND length(sid) = 34),
  name       TEXT NOT NULL,
  created_at INTEGER NOT NULL
);

CREATE TABLE domains (
  org_sid         TEXT NOT NULL REFERENCES organizations(sid),
  domain          TEXT NOT NULL COLLATE NOCASE,
  token           TEXT NOT NULL,
  verified_at     INTEGER,
  last_checked_at INTEGER,
  last_error      TEXT NOT NULL DEFAULT '',
  created_at      INTEGER NOT NULL,
  PRIMARY KEY (org_sid, domain)
);
-- A verified domain belongs to one organization only.
CREATE UNIQUE INDEX domains_verified ON domains(domain) WHERE verified_at IS NOT NULL;

CREATE TABLE users (
  sid             TEXT PRIMARY KEY CHECK (sid GLOB 'US[0-9a-f]*' AND length(sid) = 34),
  email           TEXT NOT NULL UNIQUE COLLATE NOCASE,
  name            TEXT NOT NULL,
  password_hash   TEXT NOT NULL,
  status          TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'deactivated')),
  org_sid         TEXT REFERENCES organizations(sid),
  org_role        TEXT CHECK (org_role IN ('owner', 'administrator', 'standard')),
  totp_secret     BLOB,
  totp_enabled_at INTEGER,
  totp_last_step  INTEGER NOT NULL DEFAULT 0,
  last_login_at   INTEGER,
  version         INTEGER NOT NULL DEFAULT 1,
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL,
  CHECK ((org_sid IS NULL) = (org_role IS NULL))
);
CREATE UNIQUE INDEX users_one_owner ON users(org_sid) WHERE org_role = 'owner';
CREATE INDEX users_org ON users(org_sid, email);

CREATE TABLE recovery_codes (
  user_sid  TEXT NOT NULL REFERENCES users(sid) ON DELETE CASCADE,
  code_hash BLOB NOT NULL,
  used_at   INTEGER,
  PRIMARY KEY (user_sid, code_hash)
);

CREATE TABLE accounts (
  sid                   TEXT PRIMARY KEY CHECK (sid GLOB 'AC[0-9a-f]*' AND length(sid) = 34),
  friendly_name         TEXT NOT NULL CHECK (length(friendly_name) BETWEEN 1 AND 64),
  type                  TEXT NOT NULL CHECK (type IN ('standard', 'flex')),
  status                TEXT NOT NULL DEFAULT 'active'
                        CHECK (status IN ('active', 'suspended', 'pending_closure', 'closed')),
  owner_sid             TEXT NOT NULL REFERENCES users(sid),
  org_sid               TEXT REFERENCES organizations(sid),
  org_relation          TEXT CHECK (org_relation IN ('managed', 'independent')),
  flex_region           TEXT,
  require_2fa           INTEGER NOT NULL DEFAULT 0,
  webhooks_https_only   INTEGER NOT NULL DEFAULT 1,
  pkcv_required         INTEGER NOT NULL DEFAULT 0,
  status_before_closure TEXT,
  closes_at             INTEGER,
  created_at            INTEGER NOT NULL,
  updated_at            INTEGER NOT NULL,
  CHECK ((org_sid IS NULL) = (org_relation IS NULL))
);
-- Keyset pagination of an organization's accounts, newest first.
CREATE INDEX accounts_org_list ON accounts(org_sid, org_relation, created_at DESC, sid DESC);
CREATE INDEX accounts_org_status ON accounts(org_sid, org_relation, status, created_at DESC, sid DESC);
CREATE INDEX accounts_owner ON accounts(owner_sid);
CREATE INDEX accounts_closing ON accounts(closes_at) WHERE status = 'pending_closure';

CREATE TABLE account_roles (
  sid         TEXT PRIMARY KEY CHECK (sid GLOB 'IY[0-9a-f]*' AND length(sid) = 34),
  account_sid TEXT NOT NULL REFERENCES accounts(sid) ON DELETE CASCADE,
  user_sid    TEXT NOT NULL REFERENCES users(sid),
  role        TEXT NOT NULL
              CHECK (role IN ('owner', 'administrator', 'developer', 'billing_manager', 'support')),
  created_at  INTEGER NOT NULL,
  UNIQUE (account_sid, user_sid, role)
);
CREATE UNIQUE INDEX account_roles_one_owner ON account_roles(account_sid) WHERE role = 'owner';
CREATE INDEX account_roles_user ON account_roles(user_sid, account_sid);

CREATE TABLE invitations (
  id          INTEGER PRIMARY KEY,
  org_sid     TEXT REFERENCES organizations(sid),
  account_sid TEXT NOT NULL REFERENCES accounts(sid) ON DELETE CASCADE,
  email       TEXT NOT NULL COLLATE NOCASE,
  roles       TEXT NOT NULL,
  token_hash  BLOB NOT NULL UNIQUE,
  invited_by  TEXT REFERENCES users(sid),
  state       TEXT NOT NULL DEFAULT 'pending'
              CHECK (state IN ('pending', 'accepted', 'declined', 'revoked', 'expired')),
  sent_at     INTEGER NOT NULL,
  expires_at  INTEGER NOT NULL,
  answered_at INTEGER,
  created_at  INTEGER NOT NULL
);
CREATE INDEX invitations_account ON invitations(account_sid, state, sent_at DESC);

-- Import requests (an account asked to become managed) and share requests
-- (an outside owner asked to share an account as independent).
CREATE TABLE account_requests (
  id           INTEGER PRIMARY KEY,
  org_sid      TEXT NOT NULL REFERENCES organizations(sid),
  account_sid  TEXT NOT NULL REFERENCES accounts(sid) ON DELETE CASCADE,
  kind         TEXT NOT NULL CHECK (kind IN ('import', 'share')),
  token_hash   BLOB NOT NULL UNIQUE,
  requested_by TEXT REFERENCES users(sid),
  state        TEXT NOT NULL DEFAULT 'pending'
               CHECK (state IN ('pending', 'accepted', 'declined', 'revoked', 'expired')),
  sent_at      INTEGER NOT NULL,
  expires_at   INTEGER NOT NULL,
  answered_at  INTEGER,
  created_at   INTEGER NOT NULL
);
CREATE INDEX account_requests_org ON account_requests(org_sid, state, sent_at DESC);

CREATE TABLE audit_events (
  id          INTEGER PRIMARY KEY,
  org_sid     TEXT REFERENCES organizations(sid),
  actor_type  TEXT NOT NULL CHECK (actor_type IN ('user', 'api', 'system', 'anonymous')),
  actor_sid   TEXT NOT NULL DEFAULT '',
  actor_label TEXT NOT NULL DEFAULT '',
  action      TEXT NOT NULL,
  target_type TEXT NOT NULL DEFAULT '',
  target_sid  TEXT NOT NULL DEFAULT '',
  account_sid TEXT NOT NULL DEFAULT '',
  before      TEXT NOT NULL DEFAULT '',
  after       TEXT NOT NULL DEFAULT '',
  ip          TEXT NOT NULL DEFAULT '',
  outcome     TEXT NOT NULL DEFAULT 'success' CHECK (outcome IN ('success', 'failure', 'denied')),
  created_at  INTEGER NOT NULL
);
CREATE INDEX audit_org ON audit_events(org_sid, id DESC);
CREATE INDEX audit_org_account ON audit_events(org_sid, account_sid, id DESC);
CREATE INDEX audit_org_actor ON audit_events(org_sid, actor_sid, id DESC);

CREATE TABLE outbox (
  id              INTEGER PRIMARY KEY,
  org_sid         TEXT REFERENCES organizations(sid),
  to_addr         TEXT NOT NULL,
  subject         TEXT NOT NULL,
  text_body       TEXT NOT NULL,
  html_body       TEXT NOT NULL DEFAULT '',
  secret          BLOB,
  state           TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'failed', 'dead')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL,
  last_error      TEXT NOT NULL DEFAULT '',
  created_at      INTEGER NOT NULL,
  sent_at         INTEGER
);
CREATE INDEX outbox_due ON outbox(state, next_attempt_at);

CREATE TABLE sessions (
  id_hash      BLOB PRIMARY KEY,
  user_sid     TEXT NOT NULL REFERENCES users(sid) ON DELETE CASCADE,
  state        TEXT NOT NULL CHECK (state IN ('pending_2fa', 'active')),
  ip           TEXT NOT NULL DEFAULT '',
  user_agent   TEXT NOT NULL DEFAULT '',
  created_at   INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL,
  expires_at   INTEGER NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_sid);

CREATE TABLE auth_failures (
  key TEXT NOT NULL,
  at  INTEGER NOT NULL
);
CREATE INDEX auth_failures_key ON auth_failures(key, at);

CREATE TABLE oauth_apps (
  sid         TEXT PRIMARY KEY CHECK (sid GLOB 'OQ[0-9a-f]*' AND length(sid) = 34),
  org_sid     TEXT NOT NULL REFERENCES organizations(sid),
  name        TEXT NOT NULL,
  secret_hash BLOB NOT NULL,
  created_by  TEXT REFERENCES users(sid),
  created_at  INTEGER NOT NULL,
  revoked_at  INTEGER
);
CREATE INDEX oauth_apps_org ON oauth_apps(org_sid, created_at DESC);
