-- 007_whitelabel.sql — partner host names and the nginx generations
-- (issue 7: white label; DESIGN §6).  The brands table comes with the
-- whitelabel module.

-- A host name an organisation serves its portal on: a subdomain of the
-- platform's base domain, or a custom domain the partner proves it owns
-- (a TXT record with verification_token).  The name is stored in one form
-- only (fcgi/hostname.c: ASCII, punycode A-labels, lower case, no trailing
-- dot), so the unique key is exact.  The CHECK constraint repeats the
-- character rule as a last line of defence: the nginx generator checks
-- every name again anyway before it renders it.
CREATE TABLE IF NOT EXISTS hostnames (
    id                  BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    hostname            VARCHAR(253) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    org_id              BIGINT UNSIGNED NOT NULL,
    kind                ENUM('subdomain', 'custom') NOT NULL,
    verification_token  VARCHAR(64) CHARACTER SET ascii NULL,
    verified_at         DATETIME NULL,
    tls_state           ENUM('none', 'pending', 'issued', 'failed') NOT NULL DEFAULT 'none',
    tls_error           VARCHAR(1000) NULL,
    tls_expires         DATETIME NULL,
    -- Set once a certificate is issued; the generator adds the HTTPS block
    -- only when both are set and readable.
    cert_path           VARCHAR(1024) NULL,
    key_path            VARCHAR(1024) NULL,
    -- templates/hosts/<set>/ over templates/default/; NULL: the default set.
    template_set        VARCHAR(64) CHARACTER SET ascii NULL,
    created             DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    updated             DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
    PRIMARY KEY (id),
    UNIQUE KEY hostnames_hostname (hostname),
    KEY hostnames_org (org_id),
    KEY hostnames_verified (verified_at),
    CONSTRAINT hostnames_org_fk FOREIGN KEY (org_id) REFERENCES orgs (id),
    CONSTRAINT hostnames_ldh CHECK (hostname REGEXP '^[a-z0-9][a-z0-9.-]*[a-z0-9]$')
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- One row per run of the nginx generator (portalctl nginx, or the job
-- worker): what it wrote and whether nginx accepted it.  'running' rows
-- that never finish belong to a generator that died.
CREATE TABLE IF NOT EXISTS nginx_generations (
    id          BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    started     DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    finished    DATETIME NULL,
    hostnames   INT UNSIGNED NOT NULL DEFAULT 0,
    tls_hosts   INT UNSIGNED NOT NULL DEFAULT 0,
    skipped     INT UNSIGNED NOT NULL DEFAULT 0,
    status      ENUM('running', 'ok', 'failed') NOT NULL DEFAULT 'running',
    message     TEXT NULL,
    PRIMARY KEY (id),
    KEY nginx_generations_started (started)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
