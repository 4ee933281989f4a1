-- 0001 (PostgreSQL): the schema of the SQLite migrations 0001 to 0014b in one file. Later SQLite
-- migrations get a twin here with the same file name. Times are Unix milliseconds (UTC), flags
-- integers 0 or 1, as on SQLite, so that the store's SQL reads the same on both engines.

-- SQLite's COLLATE NOCASE: the store's queries name it, and here it is a case-insensitive
-- collation (ordering and comparison, not LIKE, which the store runs as ILIKE).
CREATE COLLATION IF NOT EXISTS nocase (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
-- Name search by fragment: trigram indexes.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE organizations (
  sid        text PRIMARY KEY CHECK (sid ~ '^OR[0-9a-f]' AND length(sid) = 34),
  name       text NOT NULL,
  created_at bigint NOT NULL
);

CREATE TABLE domains (
  org_sid         text NOT NULL REFERENCES organizations(sid),
  domain          text NOT NULL,
  token           text NOT NULL,
  verified_at     bigint,
  last_checked_at bigint,
  last_error      text NOT NULL DEFAULT '',
  created_at      bigint NOT NULL,
  trusted         integer NOT NULL DEFAULT 0,
  PRIMARY KEY (org_sid, domain)
);
CREATE UNIQUE INDEX domains_verified ON domains(lower(domain)) WHERE verified_at IS NOT NULL;

CREATE TABLE users (
  sid             text PRIMARY KEY CHECK (sid ~ '^US[0-9a-f]' AND length(sid) = 34),
  email           text NOT NULL,
  name            text NOT NULL,
  password_hash   text NOT NULL,
  status          text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'deactivated')),
  org_sid         text REFERENCES organizations(sid),
  org_role        text CHECK (org_role IN ('owner', 'administrator', 'standard')),
  totp_secret     bytea,
  totp_enabled_at bigint,
  totp_last_step  bigint NOT NULL DEFAULT 0,
  last_login_at   bigint,
  version         integer NOT NULL DEFAULT 1,
  created_at      bigint NOT NULL,
  updated_at      bigint NOT NULL,
  CHECK ((org_sid IS NULL) = (org_role IS NULL))
);
CREATE UNIQUE INDEX users_email ON users(lower(email));
CREATE UNIQUE INDEX users_one_owner ON users(org_sid) WHERE org_role = 'owner';
CREATE INDEX users_org ON users(org_sid, email);
CREATE INDEX users_org_role ON users(org_sid, org_role);
CREATE INDEX users_org_name ON users(org_sid, name COLLATE nocase);
CREATE INDEX users_sid_names ON users(sid, email, name);
CREATE INDEX users_admins_without_2fa ON users(org_sid, email, sid)
  WHERE org_role IN ('owner', 'administrator') AND status = 'active' AND totp_enabled_at IS NULL;
CREATE INDEX users_name_trgm ON users USING gin (name gin_trgm_ops);
CREATE INDEX users_email_trgm ON users USING gin (email gin_trgm_ops);

CREATE TABLE recovery_codes (
  user_sid  text NOT NULL REFERENCES users(sid) ON DELETE CASCADE,
  code_hash bytea NOT NULL,
  used_at   bigint,
  PRIMARY KEY (user_sid, code_hash)
);

CREATE TABLE accounts (
  sid                   text PRIMARY KEY CHECK (sid ~ '^AC[0-9a-f]' AND length(sid) = 34),
  friendly_name         text NOT NULL CHECK (length(friendly_name) BETWEEN 1 AND 64),
  type                  text NOT NULL CHECK (type IN ('standard', 'flex')),
  status                text NOT NULL DEFAULT 'active'
                        CHECK (status IN ('active', 'suspended', 'pending_closure', 'closed')),
  owner_sid             text NOT NULL REFERENCES users(sid),
  org_sid               text REFERENCES organizations(sid),
  org_relation          text CHECK (org_relation IN ('managed', 'independent')),
  flex_region           text,
  require_2fa           integer NOT NULL DEFAULT 0,
  webhooks_https_only   integer NOT NULL DEFAULT 1,
  pkcv_required         integer NOT NULL DEFAULT 0,
  status_before_closure text,
  closes_at             bigint,
  created_at            bigint NOT NULL,
  updated_at            bigint NOT NULL,
  CHECK ((org_sid IS NULL) = (org_relation IS NULL))
);
CREATE INDEX accounts_org_list ON accounts(org_sid, org_relation, created_at DESC, sid DESC)
  INCLUDE (friendly_name, type, status, owner_sid);
CREATE INDEX accounts_org_status ON accounts(org_sid, org_relation, status, created_at DESC, sid DESC)
  INCLUDE (friendly_name, type, owner_sid);
CREATE INDEX accounts_org_name ON accounts(org_sid, org_relation, friendly_name COLLATE nocase, sid)
  INCLUDE (type, status, owner_sid, created_at);
CREATE INDEX accounts_owner ON accounts(owner_sid);
CREATE INDEX accounts_closing ON accounts(closes_at) WHERE status = 'pending_closure';
CREATE INDEX accounts_name_trgm ON accounts USING gin (friendly_name gin_trgm_ops);

CREATE TABLE account_roles (
  sid          text PRIMARY KEY CHECK (sid ~ '^IY[0-9a-f]' AND length(sid) = 34),
  account_sid  text NOT NULL REFERENCES accounts(sid) ON DELETE CASCADE,
  user_sid     text NOT NULL REFERENCES users(sid),
  role         text NOT NULL
               CHECK (role IN ('owner', 'administrator', 'developer', 'billing_manager', 'support')),
  created_at   bigint NOT NULL,
  account_name text NOT NULL DEFAULT '',
  UNIQUE (account_sid, user_sid, role)
);
CREATE UNIQUE INDEX account_roles_one_owner ON account_roles(account_sid) WHERE role = 'owner';
CREATE INDEX account_roles_user ON account_roles(user_sid, account_sid);
CREATE INDEX account_roles_user_name ON account_roles(user_sid, account_name COLLATE nocase, account_sid, role);

CREATE TABLE invitations (
  id            bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  org_sid       text REFERENCES organizations(sid),
  account_sid   text NOT NULL REFERENCES accounts(sid) ON DELETE CASCADE,
  email         text NOT NULL,
  roles         text NOT NULL,
  token_hash    bytea NOT NULL UNIQUE,
  invited_by    text REFERENCES users(sid),
  state         text NOT NULL DEFAULT 'pending'
                CHECK (state IN ('pending', 'accepted', 'declined', 'revoked', 'expired')),
  sent_at       bigint NOT NULL,
  expires_at    bigint NOT NULL,
  answered_at   bigint,
  created_at    bigint NOT NULL,
  superseded_by bigint REFERENCES invitations(id)
);
CREATE INDEX invitations_account ON invitations(account_sid, state, sent_at DESC);
CREATE INDEX invitations_account_created ON invitations(account_sid, created_at);
CREATE INDEX invitations_org_pending ON invitations(org_sid, expires_at) WHERE state = 'pending';

CREATE TABLE account_requests (
  id            bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  org_sid       text NOT NULL REFERENCES organizations(sid),
  account_sid   text NOT NULL REFERENCES accounts(sid) ON DELETE CASCADE,
  kind          text NOT NULL CHECK (kind IN ('import', 'share')),
  token_hash    bytea NOT NULL UNIQUE,
  requested_by  text REFERENCES users(sid),
  state         text NOT NULL DEFAULT 'pending'
                CHECK (state IN ('pending', 'accepted', 'declined', 'revoked', 'expired')),
  sent_at       bigint NOT NULL,
  expires_at    bigint NOT NULL,
  answered_at   bigint,
  created_at    bigint NOT NULL,
  superseded_by bigint REFERENCES account_requests(id)
);
CREATE INDEX account_requests_org ON account_requests(org_sid, state, sent_at DESC);
CREATE UNIQUE INDEX account_requests_one_pending ON account_requests(org_sid, account_sid) WHERE state = 'pending';
CREATE INDEX account_requests_account ON account_requests(account_sid, state);
CREATE INDEX account_requests_pending ON account_requests(org_sid, id DESC) WHERE state = 'pending';

CREATE TABLE audit_events (
  id          bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  org_sid     text REFERENCES organizations(sid),
  actor_type  text NOT NULL CHECK (actor_type IN ('user', 'api', 'system', 'anonymous')),
  actor_sid   text NOT NULL DEFAULT '',
  actor_label text NOT NULL DEFAULT '',
  action      text NOT NULL,
  target_type text NOT NULL DEFAULT '',
  target_sid  text NOT NULL DEFAULT '',
  account_sid text NOT NULL DEFAULT '',
  before      text NOT NULL DEFAULT '',
  after       text NOT NULL DEFAULT '',
  ip          text NOT NULL DEFAULT '',
  outcome     text NOT NULL DEFAULT 'success' CHECK (outcome IN ('success', 'failure', 'denied')),
  created_at  bigint NOT NULL
);
CREATE INDEX audit_org ON audit_events(org_sid, id DESC);
CREATE INDEX audit_org_account ON audit_events(org_sid, account_sid, id DESC);
CREATE INDEX audit_org_actor ON audit_events(org_sid, actor_sid, id DESC);
CREATE INDEX audit_org_action ON audit_events(org_sid, action text_pattern_ops, id DESC);

CREATE TABLE outbox (
  id              bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  org_sid         text REFERENCES organizations(sid),
  to_addr         text NOT NULL,
  subject         text NOT NULL,
  text_body       text NOT NULL,
  html_body       text NOT NULL DEFAULT '',
  secret          bytea,
  state           text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'failed', 'dead')),
  attempts        integer NOT NULL DEFAULT 0,
  next_attempt_at bigint NOT NULL,
  last_error      text NOT NULL DEFAULT '',
  created_at      bigint NOT NULL,
  sent_at         bigint,
  locked_until    bigint,
  kind            text NOT NULL DEFAULT '',
  data            text NOT NULL DEFAULT '{}'
);
CREATE INDEX outbox_due ON outbox(state, next_attempt_at);
CREATE INDEX outbox_org_state ON outbox(org_sid, state, id DESC);

CREATE TABLE sessions (
  id_hash       bytea PRIMARY KEY,
  user_sid      text NOT NULL REFERENCES users(sid) ON DELETE CASCADE,
  state         text NOT NULL CHECK (state IN ('pending_2fa', 'active')),
  ip            text NOT NULL DEFAULT '',
  user_agent    text NOT NULL DEFAULT '',
  created_at    bigint NOT NULL,
  last_seen_at  bigint NOT NULL,
  expires_at    bigint NOT NULL,
  code_failures integer NOT NULL DEFAULT 0
);
CREATE INDEX sessions_user ON sessions(user_sid);

CREATE TABLE auth_failures (
  key text NOT NULL,
  at  bigint NOT NULL
);
CREATE INDEX auth_failures_key ON auth_failures(key, at);
CREATE INDEX auth_failures_at ON auth_failures(at);

CREATE TABLE oauth_apps (
  sid           text PRIMARY KEY CHECK (sid ~ '^OQ[0-9a-f]' AND length(sid) = 34),
  org_sid       text NOT NULL REFERENCES organizations(sid),
  name          text NOT NULL,
  secret_hash   bytea NOT NULL,
  created_by    text REFERENCES users(sid),
  created_at    bigint NOT NULL,
  revoked_at    bigint,
  last_token_at bigint
);
CREATE INDEX oauth_apps_org ON oauth_apps(org_sid, created_at DESC);

CREATE TABLE scim_profiles (
  user_sid    text PRIMARY KEY REFERENCES users(sid) ON DELETE CASCADE,
  org_sid     text NOT NULL REFERENCES organizations(sid),
  external_id text NOT NULL DEFAULT '',
  given_name  text NOT NULL DEFAULT '',
  family_name text NOT NULL DEFAULT ''
);
CREATE INDEX scim_profiles_org ON scim_profiles(org_sid);

CREATE TABLE password_resets (
  id         bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  user_sid   text NOT NULL REFERENCES users(sid) ON DELETE CASCADE,
  token_hash bytea NOT NULL UNIQUE,
  created_at bigint NOT NULL,
  expires_at bigint NOT NULL,
  used_at    bigint
);
CREATE INDEX password_resets_user ON password_resets(user_sid, created_at);

CREATE TABLE authz_denials (
  actor_sid text NOT NULL,
  route     text NOT NULL,
  at        bigint NOT NULL,
  PRIMARY KEY (actor_sid, route)
);

-- Tab counts of the Accounts page, kept by triggers in the same transaction (SQLite 0003, 0008).
CREATE TABLE account_counts (
  org_sid  text NOT NULL,
  relation text NOT NULL,
  n        bigint NOT NULL DEFAULT 0,
  PRIMARY KEY (org_sid, relation)
);

CREATE FUNCTION accounts_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('DELETE', 'UPDATE') AND OLD.org_sid IS NOT NULL THEN
    UPDATE account_counts SET n = n - 1 WHERE org_sid = OLD.org_sid AND relation = OLD.org_relation;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.org_sid IS NOT NULL THEN
    INSERT INTO account_counts AS c (org_sid, relation, n) VALUES (NEW.org_sid, NEW.org_relation, 1)
      ON CONFLICT (org_sid, relation) DO UPDATE SET n = c.n + 1;
  END IF;
  RETURN NULL;
END $$;
-- Inserts and deletes count once a statement (an insert of many rows, as seed makes, would
-- otherwise update the one counter row once a row: each update a new version of it to step over).
CREATE FUNCTION accounts_count_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO account_counts AS c (org_sid, relation, n)
    SELECT org_sid, org_relation, count(*) FROM new_rows WHERE org_sid IS NOT NULL GROUP BY org_sid, org_relation
    ON CONFLICT (org_sid, relation) DO UPDATE SET n = c.n + excluded.n;
  RETURN NULL;
END $$;
CREATE FUNCTION accounts_count_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE account_counts c SET n = c.n - d.n
    FROM (SELECT org_sid, org_relation, count(*) AS n FROM old_rows WHERE org_sid IS NOT NULL GROUP BY org_sid, org_relation) d
    WHERE c.org_sid = d.org_sid AND c.relation = d.org_relation;
  RETURN NULL;
END $$;
CREATE TRIGGER accounts_count_insert AFTER INSERT ON accounts REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION accounts_count_inserted();
CREATE TRIGGER accounts_count_delete AFTER DELETE ON accounts REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION accounts_count_deleted();
CREATE TRIGGER accounts_count_update AFTER UPDATE OF org_sid, org_relation ON accounts
  FOR EACH ROW WHEN (OLD.org_sid IS DISTINCT FROM NEW.org_sid OR OLD.org_relation IS DISTINCT FROM NEW.org_relation)
  EXECUTE FUNCTION accounts_count();

CREATE TABLE pending_request_counts (
  org_sid text PRIMARY KEY,
  n       bigint NOT NULL DEFAULT 0
);

CREATE FUNCTION account_requests_pending_count() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('DELETE', 'UPDATE') AND OLD.state = 'pending' THEN
    UPDATE pending_request_counts SET n = n - 1 WHERE org_sid = OLD.org_sid;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE') AND NEW.state = 'pending' THEN
    INSERT INTO pending_request_counts AS c (org_sid, n) VALUES (NEW.org_sid, 1)
      ON CONFLICT (org_sid) DO UPDATE SET n = c.n + 1;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER account_requests_pending_insert_delete AFTER INSERT OR DELETE ON account_requests
  FOR EACH ROW EXECUTE FUNCTION account_requests_pending_count();
-- (Row by row: pending requests are few, a seed makes about one for a hundred accounts.)
CREATE TRIGGER account_requests_pending_update AFTER UPDATE OF state, org_sid ON account_requests
  FOR EACH ROW WHEN ((OLD.state = 'pending') <> (NEW.state = 'pending')
    OR (OLD.state = 'pending' AND OLD.org_sid IS DISTINCT FROM NEW.org_sid))
  EXECUTE FUNCTION account_requests_pending_count();

-- Each role row carries its account's name (SQLite 0012b).
CREATE FUNCTION account_roles_name() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.account_name = '' THEN
    NEW.account_name := (SELECT friendly_name FROM accounts WHERE sid = NEW.account_sid);
  END IF;
  RETURN NEW;
END $$;
CREATE TRIGGER account_roles_name_insert BEFORE INSERT ON account_roles
  FOR EACH ROW EXECUTE FUNCTION account_roles_name();

CREATE FUNCTION accounts_name_roles() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE account_roles SET account_name = NEW.friendly_name WHERE account_sid = NEW.sid;
  RETURN NULL;
END $$;
CREATE TRIGGER accounts_name_roles AFTER UPDATE OF friendly_name ON accounts
  FOR EACH ROW WHEN (OLD.friendly_name IS DISTINCT FROM NEW.friendly_name)
  EXECUTE FUNCTION accounts_name_roles();
