-- 004_audit.sql — indexes for the activity log's filters (modules/audit):
-- newest first within one organisation, narrowed by status, category or
-- action, walked by keyset (id) without a sort.
CREATE INDEX IF NOT EXISTS audit_org_status ON audit_events (org_id, status, id);
CREATE INDEX IF NOT EXISTS audit_org_category ON audit_events (org_id, category, id);
CREATE INDEX IF NOT EXISTS audit_org_action ON audit_events (org_id, action, id);
