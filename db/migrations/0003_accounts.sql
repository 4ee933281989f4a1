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

-- Search by name fragment at 100,000 accounts: a trigram full-text index of account names.
-- Its rows are keyed by account_search.id, a stable integer per account (the accounts table's
-- own rowid may change on VACUUM), and kept in step by triggers in the same transaction.
CREATE TABLE account_search (
  id  INTEGER PRIMARY KEY,
  sid TEXT NOT NULL UNIQUE
);
CREATE VIRTUAL TABLE accounts_fts USING fts5(friendly_name, tokenize = 'trigram');

INSERT INTO account_search (sid) SELECT sid FROM accounts ORDER BY created_at;
INSERT INTO accounts_fts (rowid, friendly_name)
  SELECT s.id, a.friendly_name FROM account_search s JOIN accounts a ON a.sid = s.sid;

CREATE TRIGGER accounts_search_insert AFTER INSERT ON accounts BEGIN
  INSERT INTO account_search (sid) VALUES (NEW.sid);
  INSERT INTO accounts_fts (rowid, friendly_name) VALUES ((SELECT id FROM account_search WHERE sid = NEW.sid), NEW.friendly_name);
END;

CREATE TRIGGER accounts_search_update AFTER UPDATE OF friendly_name ON accounts
  WHEN OLD.friendly_name IS NOT NEW.friendly_name BEGIN
  UPDATE accounts_fts SET friendly_name = NEW.friendly_name WHERE rowid = (SELECT id FROM account_search WHERE sid = NEW.sid);
END;

CREATE TRIGGER accounts_search_delete AFTER DELETE ON accounts BEGIN
  DELETE FROM accounts_fts WHERE rowid = (SELECT id FROM account_search WHERE sid = OLD.sid);
  DELETE FROM account_search WHERE sid = OLD.sid;
END;

-- The list index also carries the name, so that a search by a common fragment (many matches:
-- LIKE over the index in page order) reads no table rows.
DROP INDEX accounts_org_list;
CREATE INDEX accounts_org_list ON accounts(org_sid, org_relation, created_at DESC, sid DESC, friendly_name);

-- The organization's Owner and Administrators (Require 2FA lists those who would be locked out).
CREATE INDEX users_org_role ON users(org_sid, org_role);
