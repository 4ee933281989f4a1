-- 0015 (PostgreSQL twin): SAML single sign-on: the organization's IdP settings, the verified
-- domains they cover, the users exempted from enforcement, every AuthnRequest sent (each consumed
-- once, whichever instance receives its response), and how each session was signed in.
CREATE TABLE sso_settings (
  org_sid       text PRIMARY KEY REFERENCES organizations(sid) ON DELETE CASCADE,
  idp_metadata  text NOT NULL,
  idp_entity_id text NOT NULL,
  enforce       integer NOT NULL DEFAULT 0,
  idp_mfa       integer NOT NULL DEFAULT 0,
  updated_at    bigint NOT NULL
);
CREATE INDEX sso_settings_entity ON sso_settings(idp_entity_id);

CREATE TABLE sso_domains (
  org_sid text NOT NULL REFERENCES organizations(sid) ON DELETE CASCADE,
  domain  text NOT NULL,
  PRIMARY KEY (org_sid, domain)
);
CREATE UNIQUE INDEX sso_domains_domain ON sso_domains(domain);

CREATE TABLE sso_exemptions (
  org_sid  text NOT NULL REFERENCES organizations(sid) ON DELETE CASCADE,
  user_sid text NOT NULL REFERENCES users(sid) ON DELETE CASCADE,
  PRIMARY KEY (org_sid, user_sid)
);

CREATE TABLE sso_requests (
  id         text PRIMARY KEY,
  org_sid    text NOT NULL REFERENCES organizations(sid) ON DELETE CASCADE,
  created_at bigint NOT NULL,
  expires_at bigint NOT NULL,
  used_at    bigint
);
CREATE INDEX sso_requests_expiry ON sso_requests(expires_at);

ALTER TABLE sessions ADD COLUMN method text NOT NULL DEFAULT 'password';
