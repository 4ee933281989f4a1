-- 0011: the outbox keeps what an email is about (its kind and data, as JSON) instead of its
-- rendered words; the sender composes it when it goes out. Rows queued before keep their
-- subject and bodies (kind '') and are sent as they are.
ALTER TABLE outbox ADD COLUMN kind TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN data TEXT NOT NULL DEFAULT '{}';
