-- 0003: the Accounts area. Tab counts kept in a counter table by triggers, so that the
-- Accounts page does not count 100,000 rows on every view; an index for the audit log's
-- action filter.

CREATE TABLE account_counts (
  org_sid  TEXT NOT NULL,
  relation TEXT NOT NULL,
  n        INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (org_sid, relation)
) WITHOUT ROWID;

INSERT INTO account_counts (org_sid, relation, n)
  SELECT org_sid, org_relation, count(*) FROM accounts WHERE org_sid IS NOT NULL GROUP BY org_sid, org_relation;

CREATE TRIGGER accounts_count_insert AFTER INSERT ON accounts WHEN NEW.org_sid IS NOT NULL BEGIN
  INSERT INTO account_counts (org_sid, relation, n) VALUES (NEW.org_sid, NEW.org_relation, 1)
    ON CONFLICT (org_sid, relation) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER accounts_count_delete AFTER DELETE ON accounts WHEN OLD.org_sid IS NOT NULL BEGIN
  UPDATE account_counts SET n = n - 1 WHERE org_sid = OLD.org_sid AND relation = OLD.org_relation;
END;

CREATE TRIGGER accounts_count_update AFTER UPDATE OF org_sid, org_relation ON accounts
  WHEN OLD.org_sid IS NOT NEW.org_sid OR OLD.org_relation IS NOT NEW.org_relation BEGIN
  UPDATE account_counts SET n = n - 1 WHERE org_sid = OLD.org_sid AND relation = OLD.org_relation;
  INSERT INTO account_counts (org_sid, relation, n) SELECT NEW.org_sid, NEW.org_relation, 1 WHERE NEW.org_sid IS NOT NULL
    ON CONFLICT (org_sid, relation) DO UPDATE SET n = n + 1;
END;

CREATE INDEX audit_org_action ON audit_events(org_sid, action, id DESC);
