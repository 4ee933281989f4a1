-- 0006: the Organizations API. SCIM attributes the console does not use, kept beside the user.
CREATE TABLE scim_profiles (
  user_sid    TEXT PRIMARY KEY REFERENCES users(sid) ON DELETE CASCADE,
  org_sid     TEXT NOT NULL REFERENCES organizations(sid),
  external_id TEXT NOT NULL DEFAULT '',
  given_name  TEXT NOT NULL DEFAULT '',
  family_name TEXT NOT NULL DEFAULT ''
);
CREATE INDEX scim_profiles_org ON scim_profiles(org_sid);
