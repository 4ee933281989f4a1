-- 0008: the Pending tab's count kept in a counter table by triggers, like the other two tabs'
-- (0003): counting an organization's pending requests through the index cost more than the
-- whole rest of the Accounts page's tab counts at a thousand pending requests.

CREATE TABLE pending_request_counts (
  org_sid TEXT PRIMARY KEY,
  n       INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

INSERT INTO pending_request_counts (org_sid, n)
  SELECT org_sid, count(*) FROM account_requests WHERE state = 'pending' GROUP BY org_sid;

CREATE TRIGGER account_requests_pending_insert AFTER INSERT ON account_requests WHEN NEW.state = 'pending' BEGIN
  INSERT INTO pending_request_counts (org_sid, n) VALUES (NEW.org_sid, 1)
    ON CONFLICT (org_sid) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER account_requests_pending_delete AFTER DELETE ON account_requests WHEN OLD.state = 'pending' BEGIN
  UPDATE pending_request_counts SET n = n - 1 WHERE org_sid = OLD.org_sid;
END;

CREATE TRIGGER account_requests_pending_update AFTER UPDATE OF state, org_sid ON account_requests
  WHEN (OLD.state = 'pending') <> (NEW.state = 'pending') OR (OLD.state = 'pending' AND OLD.org_sid IS NOT NEW.org_sid) BEGIN
  UPDATE pending_request_counts SET n = n - 1 WHERE OLD.state = 'pending' AND org_sid = OLD.org_sid;
  INSERT INTO pending_request_counts (org_sid, n) SELECT NEW.org_sid, 1 WHERE NEW.state = 'pending'
    ON CONFLICT (org_sid) DO UPDATE SET n = n + 1;
END;
