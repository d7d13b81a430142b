-- 006_audit_retention.sql — activity log retention and the indexes of the
-- audit module's newer views (modules/audit; issue 6).

-- How long an organisation chose to keep its activity log (days).  No row:
-- the longest period chosen above it applies, else [audit]
-- retention_default_days.  The bounds live in the config, not here: an
-- operator may change them without touching the rows.
CREATE TABLE IF NOT EXISTS audit_retention (
    org_id      BIGINT UNSIGNED NOT NULL,
    days        INT UNSIGNED NOT NULL,
    updated     DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated_by  BIGINT UNSIGNED NULL,
    PRIMARY KEY (org_id),
    CONSTRAINT audit_retention_org_fk FOREIGN KEY (org_id) REFERENCES orgs (id)
        ON DELETE CASCADE,
    CONSTRAINT audit_retention_user_fk FOREIGN KEY (updated_by) REFERENCES users (id)
        ON DELETE SET NULL
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The retention job deletes one organisation's oldest events in order:
-- (org_id, created) walks exactly the expired rows, and answers "nothing to
-- delete" with one index probe.  Date filters of one organisation use it too.
CREATE INDEX IF NOT EXISTS audit_org_created ON audit_events (org_id, created);

-- Events without an organisation appear in the log of their actor's or
-- subject's organisations: these walk one member's such events newest first.
CREATE INDEX IF NOT EXISTS audit_loose_actor ON audit_events (org_id, actor_user_id, id);
CREATE INDEX IF NOT EXISTS audit_loose_subject ON audit_events (org_id, subject_user_id, id);

-- A big subtree's page is a walk newest first along the ids: this index
-- holds what that walk checks (organisation, date, status) in a few bytes a
-- row, so the walk and the summary counts never read the rows themselves.
CREATE INDEX IF NOT EXISTS audit_walk ON audit_events (id, org_id, created, status);

-- /profile/activity: what a user did while working in someone else's account.
CREATE INDEX IF NOT EXISTS audit_impersonator ON audit_events (impersonator_id, id);
