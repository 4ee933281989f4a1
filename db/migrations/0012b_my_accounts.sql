-- 0012b: My accounts pages through the accounts a user holds roles on by name (50 a page, with a
-- search). Each role row carries its account's name, kept in step by triggers in the same
-- transaction, so that a page is read in order from one index instead of joining and sorting
-- every account of a user with thousands of roles.
ALTER TABLE account_roles ADD COLUMN account_name TEXT NOT NULL DEFAULT '' COLLATE NOCASE;
UPDATE account_roles SET account_name = (SELECT friendly_name FROM accounts WHERE sid = account_roles.account_sid);
CREATE INDEX account_roles_user_name ON account_roles(user_sid, account_name, account_sid, role);

CREATE TRIGGER account_roles_name_insert AFTER INSERT ON account_roles WHEN NEW.account_name = '' BEGIN
  UPDATE account_roles SET account_name = (SELECT friendly_name FROM accounts WHERE sid = NEW.account_sid) WHERE sid = NEW.sid;
END;

CREATE TRIGGER accounts_name_roles AFTER UPDATE OF friendly_name ON accounts
  WHEN OLD.friendly_name IS NOT NEW.friendly_name BEGIN
  UPDATE account_roles SET account_name = NEW.friendly_name WHERE account_sid = NEW.sid;
END;
