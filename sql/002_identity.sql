-- 002_identity.sql — sessions, API tokens, two-factor, sign-in throttling
-- and the activity log that every identity event is written to.

-- A session is known by the SHA-256 of its cookie token, never the token.
CREATE TABLE IF NOT EXISTS sessions (
    token_hash       CHAR(64) CHARACTER SET ascii NOT NULL,
    user_id          BIGINT UNSIGNED NOT NULL,
    impersonator_id  BIGINT UNSIGNED NULL,
    csrf_token       CHAR(43) CHARACTER SET ascii NOT NULL,
    ip               VARCHAR(45) CHARACTER SET ascii NULL,
    user_agent       VARCHAR(500) NULL,
    created          DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    last_seen        DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    expires          DATETIME NOT NULL,
    PRIMARY KEY (token_hash),
    KEY sessions_user (user_id),
    KEY sessions_expires (expires),
    CONSTRAINT sessions_user_fk FOREIGN KEY (user_id) REFERENCES users (id),
    CONSTRAINT sessions_impersonator_fk FOREIGN KEY (impersonator_id) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Personal tokens (user_id set) and service-account tokens (org_id set,
-- user_id NULL).  scopes: a JSON array of permission keys.
CREATE TABLE IF NOT EXISTS api_tokens (
    id            BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    token_hash    CHAR(64) CHARACTER SET ascii NOT NULL,
    name          VARCHAR(100) NOT NULL,
    user_id       BIGINT UNSIGNED NULL,
    org_id        BIGINT UNSIGNED NULL,
    scopes        JSON NOT NULL,
    created_by    BIGINT UNSIGNED NULL,
    created       DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    expires       DATETIME NULL,
    last_used_at  DATETIME NULL,
    revoked_at    DATETIME NULL,
    PRIMARY KEY (id),
    UNIQUE KEY api_tokens_hash (token_hash),
    KEY api_tokens_user (user_id),
    KEY api_tokens_org (org_id),
    CONSTRAINT api_tokens_user_fk FOREIGN KEY (user_id) REFERENCES users (id),
    CONSTRAINT api_tokens_org_fk FOREIGN KEY (org_id) REFERENCES orgs (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- TOTP secret sealed with AES-256-GCM (key file outside the database,
-- AAD "user:<id>:totp"); last_step refuses a replayed code.
CREATE TABLE IF NOT EXISTS totp (
    user_id      BIGINT UNSIGNED NOT NULL,
    secret_enc   VARBINARY(128) NOT NULL,
    enabled_at   DATETIME NULL,
    last_step    BIGINT NOT NULL DEFAULT -1,
    created      DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY (user_id),
    CONSTRAINT totp_user_fk FOREIGN KEY (user_id) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE IF NOT EXISTS recovery_codes (
    id          BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    user_id     BIGINT UNSIGNED NOT NULL,
    code_hash   CHAR(64) CHARACTER SET ascii NOT NULL,
    used_at     DATETIME NULL,
    created     DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    PRIMARY KEY (id),
    UNIQUE KEY recovery_codes_hash (user_id, code_hash),
    CONSTRAINT recovery_codes_user_fk FOREIGN KEY (user_id) REFERENCES users (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Brute-force counters, one row per account ("user:<id>") or client
-- address ("ip:<addr>"): Keycloak's failure factor / wait increment model.
CREATE TABLE IF NOT EXISTS login_throttle (
    subject       VARCHAR(80) CHARACTER SET ascii NOT NULL,
    failures      INT UNSIGNED NOT NULL DEFAULT 0,
    last_failure  DATETIME NULL,
    locked_until  DATETIME NULL,
    PRIMARY KEY (subject)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Two-factor may be required for every user of an organisation.
ALTER TABLE orgs ADD COLUMN IF NOT EXISTS require_mfa TINYINT(1) NOT NULL DEFAULT 0;

-- The activity log: append-only; (org_id, id) serves newest-first keyset pages.
CREATE TABLE IF NOT EXISTS audit_events (
    id               BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    org_id           BIGINT UNSIGNED NULL,
    actor_user_id    BIGINT UNSIGNED NULL,
    impersonator_id  BIGINT UNSIGNED NULL,
    subject_user_id  BIGINT UNSIGNED NULL,
    category         VARCHAR(40) NOT NULL,
    action           VARCHAR(60) NOT NULL,
    status           ENUM('Success', 'Failed', 'Pending') NOT NULL,
    resource_type    VARCHAR(40) NULL,
    resource_id      VARCHAR(64) NULL,
    resource_name    VARCHAR(200) NULL,
    description      VARCHAR(500) NULL,
    ip               VARCHAR(45) CHARACTER SET ascii NULL,
    user_agent       VARCHAR(500) NULL,
    request_id       CHAR(32) CHARACTER SET ascii NULL,
    metadata         JSON NULL,
    created          DATETIME(3) NOT NULL DEFAULT CURRENT_TIMESTAMP(3),
    PRIMARY KEY (id),
    KEY audit_org_id (org_id, id),
    KEY audit_actor (actor_user_id, id),
    KEY audit_subject (subject_user_id, id),
    KEY audit_created (created)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
