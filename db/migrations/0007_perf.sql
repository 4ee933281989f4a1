-- The people a Require 2FA switch would lock out (an account's General page) start with the
-- organization's active Owner and Administrators without two-factor sign-in, by email: this small
-- partial index holds exactly them, so the page reads at most a page of them, not every one.
CREATE INDEX users_admins_without_2fa ON users(org_sid, email, sid)
  WHERE org_role IN ('owner', 'administrator') AND status = 'active' AND totp_enabled_at IS NULL;
