-- 0004: mail delivery, superseded links, one pending request per account and organization.

-- A sender holds a row while it talks to the SMTP server; a sender that dies leaves the lease
-- to run out, and the next sender picks the row up again.
ALTER TABLE outbox ADD COLUMN locked_until INTEGER;
CREATE INDEX outbox_org_state ON outbox(org_sid, state, id DESC);

-- Resending a request revokes the old row and points it at the new one, so an old link can
-- say that a newer one was sent.
ALTER TABLE account_requests ADD COLUMN superseded_by INTEGER REFERENCES account_requests(id);
CREATE UNIQUE INDEX account_requests_one_pending ON account_requests(org_sid, account_sid) WHERE state = 'pending';
CREATE INDEX account_requests_account ON account_requests(account_sid, state);

-- The domain given at setup is trusted because the installer vouches for it; it has no TXT
-- record to re-check. Domains added later are verified, and re-checked, through DNS.
ALTER TABLE domains ADD COLUMN trusted INTEGER NOT NULL DEFAULT 0;
