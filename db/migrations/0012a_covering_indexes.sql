-- 0012a: indexes that hold what the busiest pages show, so that a page of 50 rows reads a few
-- index pages instead of seeking into the tables once a row (each commit empties every reader
-- connection's page cache, so every page read that a request can avoid counts).

-- The Accounts list (and its status filter) shows the name, type, status and owner of each row:
-- the list indexes carry them, so a page reads no accounts rows.
DROP INDEX accounts_org_list;
CREATE INDEX accounts_org_list ON accounts(org_sid, org_relation, created_at DESC, sid DESC,
  friendly_name, type, status, owner_sid);
DROP INDEX accounts_org_status;
CREATE INDEX accounts_org_status ON accounts(org_sid, org_relation, status, created_at DESC, sid DESC,
  friendly_name, type, owner_sid);

-- A row's owner (or requester) by SID: email and name from the index alone.
CREATE INDEX users_sid_names ON users(sid, email, name);

-- The Pending tab pages through an organization's pending requests by id; the older index is
-- ordered by sent_at, so each page read and sorted every pending request.
CREATE INDEX account_requests_pending ON account_requests(org_sid, id DESC) WHERE state = 'pending';
