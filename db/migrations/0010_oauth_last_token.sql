-- 0010: when each OAuth app last got an access token (to the minute), so that administrators
-- can tell the credentials in use from the forgotten ones.
ALTER TABLE oauth_apps ADD COLUMN last_token_at INTEGER;
