-- 0005: people. A resent invitation is a new row; the old one is revoked and points at it, so
-- its link can say that a newer invitation replaced it. Indexes for the hourly invitation limit,
-- the organization's pending invitations and the Organization Users page.
ALTER TABLE invitations ADD COLUMN superseded_by INTEGER REFERENCES invitations(id);
CREATE INDEX invitations_account_created ON invitations(account_sid, created_at);
CREATE INDEX invitations_org_pending ON invitations(org_sid, expires_at) WHERE state = 'pending';
CREATE INDEX users_org_name ON users(org_sid, name COLLATE NOCASE);
