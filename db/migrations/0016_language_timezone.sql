-- 0016: each user's language (en, ja) and time zone (an IANA name such as Asia/Tokyo), and the
-- organization's defaults for emails to people who have no user yet. '' means not chosen: a
-- user's pages then follow Accept-Language and the organization's time zone (else UTC).
ALTER TABLE users ADD COLUMN language TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN timezone TEXT NOT NULL DEFAULT '';
ALTER TABLE organizations ADD COLUMN language TEXT NOT NULL DEFAULT '';
ALTER TABLE organizations ADD COLUMN timezone TEXT NOT NULL DEFAULT '';
