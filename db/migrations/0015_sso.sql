-- 0015: SAML single sign-on: the organization's IdP settings, the verified domains they cover,
-- the users exempted from enforcement, and every AuthnRequest this server sent (each consumed
-- once by the response that answers it, whichever instance receives it).
CREATE TABLE sso_settings (
  org_sid       TEXT PRIMARY KEY REFERENCES organizations(sid) ON DELETE CASCADE,
  idp_metadata  TEXT NOT NULL,
  idp_entity_id TEXT NOT NULL,
  enforce       INTEGER NOT NULL DEFAULT 0,
  idp_mfa       INTEGER NOT NULL DEFAULT 0,
  updated_at    INTEGER NOT NULL
);
CREATE INDEX sso_settings_entity ON sso_settings(idp_entity_id);

CREATE TABLE sso_domains (
  org_sid TEXT NOT NULL REFERENCES organizations(sid) ON DELETE CASCADE,
  domain  TEXT NOT NULL,
  PRIMARY KEY (org_sid, domain)
);
CREATE UNIQUE INDEX sso_domains_domain ON sso_domains(domain);

CREATE TABLE sso_exemptions (
  org_sid  TEXT NOT NULL REFERENCES organizations(sid) ON DELETE CASCADE,
  user_sid TEXT NOT NULL REFERENCES users(sid) ON DELETE CASCADE,
  PRIMARY KEY (org_sid, user_sid)
);

CREATE TABLE sso_requests (
  id         TEXT PRIMARY KEY,
  org_sid    TEXT NOT NULL REFERENCES organizations(sid) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  used_at    INTEGER
);
CREATE INDEX sso_requests_expiry ON sso_requests(expires_at);

-- How a session was signed in: password, sso, or sso_mfa (an IdP that enforces multi-factor,
-- which satisfies an account's Require 2FA).
ALTER TABLE sessions ADD COLUMN method TEXT NOT NULL DEFAULT 'password';
