-- 005_tenancy.sql — the organisation tree, users, roles and impersonation
-- (modules orgs, users, roles; issue 5).

-- Consent is on unless an organisation withdraws it (DESIGN §1).
ALTER TABLE orgs ALTER COLUMN allow_parent_access SET DEFAULT 1;
ALTER TABLE orgs ADD COLUMN IF NOT EXISTS created_by BIGINT UNSIGNED NULL;
-- A sibling may not share a name (the unique key cannot see a NULL parent:
-- only the platform has none).
CREATE UNIQUE INDEX IF NOT EXISTS orgs_parent_name ON orgs (parent_id, name);

-- Which kinds of organisation may hold a role (NULL: any).  A custom role
-- may be held in its own organisation and that organisation's subtree.
ALTER TABLE roles ADD COLUMN IF NOT EXISTS
    org_kinds SET('platform', 'distributor', 'partner', 'customer') NULL;
ALTER TABLE roles ADD COLUMN IF NOT EXISTS created_by BIGINT UNSIGNED NULL;

-- Permissions whose use on a descendant needs its consent (PT_PERM_CONSENT).
ALTER TABLE permissions ADD COLUMN IF NOT EXISTS needs_consent TINYINT(1) NOT NULL DEFAULT 0;

-- Invitations: who sent one, which role it offers and whether it was
-- revoked; an organisation invitation (purpose 'org_invite') carries the
-- organisation to create in payload.
ALTER TABLE one_time_tokens ADD COLUMN IF NOT EXISTS revoked_at DATETIME NULL;
ALTER TABLE one_time_tokens ADD COLUMN IF NOT EXISTS created_by BIGINT UNSIGNED NULL;
ALTER TABLE one_time_tokens ADD COLUMN IF NOT EXISTS role_id BIGINT UNSIGNED NULL;
ALTER TABLE one_time_tokens ADD COLUMN IF NOT EXISTS payload JSON NULL;
CREATE INDEX IF NOT EXISTS one_time_tokens_org ON one_time_tokens (org_id, purpose, used_at);

-- An impersonation session says why it was opened.
ALTER TABLE sessions ADD COLUMN IF NOT EXISTS impersonation_reason VARCHAR(500) NULL;

-- The system roles.  Their permissions come from the modules' declarations
-- (fcgi/catalogue.c), re-synced at every start.
INSERT INTO roles (system_key, name, description, is_system, org_kinds) VALUES
    ('platform_admin', 'Platform Administrator',
     'Runs the whole platform: every permission everywhere', 1, 'platform'),
    ('distributor_admin', 'Distributor Administrator',
     'Runs a distribution channel: its partners, their customers and its own staff', 1,
     'distributor'),
    ('msp_admin', 'MSP Administrator',
     'Every partner permission: customers, users, roles, billing and resources', 1,
     'distributor,partner'),
    ('msp_user', 'MSP User',
     'A partner''s staff member: views customers and works on tickets and resources', 1,
     'distributor,partner'),
    ('customer_admin', 'Customer Administrator',
     'Runs a customer organisation: its users, roles, billing and resources', 1, 'customer'),
    ('customer_user', 'Customer User',
     'Uses the customer''s resources and opens tickets', 1, 'customer'),
    ('project_admin', 'Project Admin',
     'Manages a customer''s projects, their users and resources', 1, 'customer'),
    ('project_user', 'Project User',
     'Works with a customer''s project resources', 1, 'customer')
ON DUPLICATE KEY UPDATE name = VALUES(name), description = VALUES(description),
    is_system = 1, org_kinds = VALUES(org_kinds);

-- The first two generic roles become the kind-specific ones.
UPDATE memberships m
    JOIN roles old ON old.id = m.role_id AND old.system_key = 'org_admin'
    JOIN orgs o ON o.id = m.org_id
    JOIN roles nr ON nr.system_key = CASE o.kind
        WHEN 'platform' THEN 'platform_admin' WHEN 'distributor' THEN 'distributor_admin'
        WHEN 'partner' THEN 'msp_admin' ELSE 'customer_admin' END
    SET m.role_id = nr.id;
UPDATE memberships m
    JOIN roles old ON old.id = m.role_id AND old.system_key = 'org_member'
    JOIN orgs o ON o.id = m.org_id
    JOIN roles nr ON nr.system_key = CASE o.kind
        WHEN 'platform' THEN 'platform_admin' WHEN 'customer' THEN 'customer_user'
        ELSE 'msp_user' END
    SET m.role_id = nr.id;
DELETE rp FROM role_permissions rp JOIN roles ro ON ro.id = rp.role_id
    WHERE ro.system_key IN ('org_admin', 'org_member');
DELETE FROM roles WHERE system_key IN ('org_admin', 'org_member');
