-- 001_core.sql — background work, mail, and the tenant/identity skeleton
-- that portalctl create-admin and seed-demo write to.  Later migrations
-- extend these tables; never edit this file once applied (its checksum is
-- recorded in schema_migrations).
--
-- Rules for every migration: InnoDB, utf8mb4, a primary key on every table,
-- no LOCK TABLES (the schema must run unchanged on a Galera cluster).
-- Times are DATETIME in UTC: every connection sets time_zone '+00:00'.

-- Jobs: claimed with SELECT … FOR UPDATE SKIP LOCKED by any number of job
-- workers.  attempts counts runs started; a job whose worker died stays
-- 'running' until the stale check (10 minutes) puts it back in the queue.
CREATE TABLE IF NOT EXISTS jobs (
    id            BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    kind          VARCHAR(64) NOT NULL,
    payload       JSON NOT NULL,
    state         ENUM('queued', 'running', 'done', 'failed') NOT NULL DEFAULT 'queued',
    run_at        DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    attempts      INT UNSIGNED NOT NULL DEFAULT 0,
    max_attempts  INT UNSIGNED NOT NULL DEFAULT 5,
    last_error    VARCHAR(1000) NULL,
    locked_by     VARCHAR(128) NULL,
    locked_at     DATETIME NULL,
    created       DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated       DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
    PRIMARY KEY (id),
    KEY jobs_due (state, run_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Recurring schedules declared by modules: one row per job kind, claimed
-- FOR UPDATE SKIP LOCKED so several job workers never schedule twice.
CREATE TABLE IF NOT EXISTS job_schedules (
    kind          VARCHAR(64) NOT NULL,
    next_run_at   DATETIME NOT NULL,
    updated       DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
    PRIMARY KEY (kind)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Outgoing mail, written in the caller's transaction and delivered by the
-- job worker.  'sent' only after the SMTP server accepted the message.
CREATE TABLE IF NOT EXISTS mail_outbox (
    id              BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    to_addr         VARCHAR(254) NOT NULL,
    from_addr       VARCHAR(320) NOT NULL,
    subject         VARCHAR(998) NOT NULL,
    body_text       MEDIUMTEXT NOT NULL,
    body_html       MEDIUMTEXT NULL,
    message_id      VARCHAR(255) CHARACTER SET ascii NOT NULL,
    state           ENUM('queued', 'sending', 'sent', 'failed') NOT NULL DEFAULT 'queued',
    attempts        INT UNSIGNED NOT NULL DEFAULT 0,
    next_attempt_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    last_error      VARCHAR(1000) NULL,
    locked_by       VARCHAR(128) NULL,
    locked_at       DATETIME NULL,
    created         DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    sent_at         DATETIME NULL,
    PRIMARY KEY (id),
    UNIQUE KEY mail_outbox_message_id (message_id),
    KEY mail_outbox_due (state, next_attempt_at)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The tenant tree: platform → distributor → partner → customer (any depth).
CREATE TABLE IF NOT EXISTS orgs (
    id                  BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    parent_id           BIGINT UNSIGNED NULL,
    kind                ENUM('platform', 'distributor', 'partner', 'customer') NOT NULL,
    name                VARCHAR(200) NOT NULL,
    slug                VARCHAR(100) CHARACTER SET ascii NOT NULL,
    status              ENUM('active', 'suspended', 'closed') NOT NULL DEFAULT 'active',
    allow_parent_access TINYINT(1) NOT NULL DEFAULT 0,
    created             DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated             DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
    PRIMARY KEY (id),
    UNIQUE KEY orgs_slug (slug),
    KEY orgs_parent (parent_id, name),
    CONSTRAINT orgs_parent_fk FOREIGN KEY (parent_id) REFERENCES orgs (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Every (ancestor, descendant) pair, itself included at depth 0: "is T in
-- the subtree of A" is one primary-key lookup.
CREATE TABLE IF NOT EXISTS org_closure (
    ancestor    BIGINT UNSIGNED NOT NULL,
    descendant  BIGINT UNSIGNED NOT NULL,
    depth       SMALLINT UNSIGNED NOT NULL,
    PRIMARY KEY (ancestor, descendant),
    KEY org_closure_descendant (descendant, depth),
    CONSTRAINT org_closure_ancestor_fk FOREIGN KEY (ancestor) REFERENCES orgs (id),
    CONSTRAINT org_closure_descendant_fk FOREIGN KEY (descendant) REFERENCES orgs (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Users exist once (by e-mail, case-insensitively) and hold memberships.
CREATE TABLE IF NOT EXISTS users (
    id             BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    email          VARCHAR(254) NOT NULL,
    full_name      VARCHAR(200) NOT NULL,
    password_hash  VARCHAR(255) CHARACTER SET ascii NULL,
    status         ENUM('active', 'disabled') NOT NULL DEFAULT 'active',
    created        DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated        DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
    last_login_at  DATETIME NULL,
    PRIMARY KEY (id),
    UNIQUE KEY users_email (email)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The permission catalogue (modules declare keys; the core syncs them).
-- perm_key, not `key`: KEY is a reserved word.
CREATE TABLE IF NOT EXISTS permissions (
    perm_key   VARCHAR(100) CHARACTER SET ascii NOT NULL,
    category   VARCHAR(100) NOT NULL,
    label      VARCHAR(200) NOT NULL,
    PRIMARY KEY (perm_key)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- System roles have org_id NULL and a stable system_key ('platform_admin');
-- custom roles belong to an organisation.
CREATE TABLE IF NOT EXISTS roles (
    id           BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    org_id       BIGINT UNSIGNED NULL,
    system_key   VARCHAR(64) CHARACTER SET ascii NULL,
    name         VARCHAR(100) NOT NULL,
    description  VARCHAR(500) NULL,
    is_system    TINYINT(1) NOT NULL DEFAULT 0,
    created      DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated      DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
    PRIMARY KEY (id),
    UNIQUE KEY roles_system_key (system_key),
    UNIQUE KEY roles_org_name (org_id, name),
    CONSTRAINT roles_org_fk FOREIGN KEY (org_id) REFERENCES orgs (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS role_permissions (
    role_id   BIGINT UNSIGNED NOT NULL,
    perm_key  VARCHAR(100) CHARACTER SET ascii NOT NULL,
    PRIMARY KEY (role_id, perm_key),
    KEY role_permissions_perm (perm_key),
    CONSTRAINT role_permissions_role_fk FOREIGN KEY (role_id) REFERENCES roles (id),
    CONSTRAINT role_permissions_perm_fk FOREIGN KEY (perm_key) REFERENCES permissions (perm_key)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS memberships (
    user_id   BIGINT UNSIGNED NOT NULL,
    org_id    BIGINT UNSIGNED NOT NULL,
    role_id   BIGINT UNSIGNED NOT NULL,
    created   DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY (user_id, org_id),
    KEY memberships_org (org_id),
    KEY memberships_role (role_id),
    CONSTRAINT memberships_user_fk FOREIGN KEY (user_id) REFERENCES users (id),
    CONSTRAINT memberships_org_fk FOREIGN KEY (org_id) REFERENCES orgs (id),
    CONSTRAINT memberships_role_fk FOREIGN KEY (role_id) REFERENCES roles (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Set-password, reset and invitation links: only a SHA-256 (hex) of the
-- 256-bit token is stored; a token is used once.
CREATE TABLE IF NOT EXISTS one_time_tokens (
    id          BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    purpose     VARCHAR(32) CHARACTER SET ascii NOT NULL,
    token_hash  CHAR(64) CHARACTER SET ascii NOT NULL,
    user_id     BIGINT UNSIGNED NOT NULL,
    org_id      BIGINT UNSIGNED NULL,
    expires     DATETIME NOT NULL,
    used_at     DATETIME NULL,
    created     DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY (id),
    UNIQUE KEY one_time_tokens_hash (token_hash),
    KEY one_time_tokens_user (user_id, purpose),
    CONSTRAINT one_time_tokens_user_fk FOREIGN KEY (user_id) REFERENCES users (id),
    CONSTRAINT one_time_tokens_org_fk FOREIGN KEY (org_id) REFERENCES orgs (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
