-- 0013: the Accounts list sorted by name (either way), keyset-paged like the default order by
-- creation. The index carries what a row shows (as accounts_org_list does since 0012a), so a page
-- sorted by name also reads index pages only.
CREATE INDEX accounts_org_name ON accounts(org_sid, org_relation, friendly_name COLLATE NOCASE, sid,
  type, status, owner_sid, created_at);
