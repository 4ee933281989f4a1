-- 0016 (PostgreSQL twin): each user's language (en, ja) and time zone (an IANA name such as
-- Asia/Tokyo), and the organization's defaults for emails to people who have no user yet.
-- '' means not chosen.
ALTER TABLE users ADD COLUMN language text NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN timezone text NOT NULL DEFAULT '';
ALTER TABLE organizations ADD COLUMN language text NOT NULL DEFAULT '';
ALTER TABLE organizations ADD COLUMN timezone text NOT NULL DEFAULT '';
