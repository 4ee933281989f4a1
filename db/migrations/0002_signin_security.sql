-- 0002: sign-in security. Old failure rows are pruned by time across all keys,
-- so that a spray over many emails does not leave rows behind for ever.
CREATE INDEX auth_failures_at ON auth_failures(at);
