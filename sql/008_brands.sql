-- 008_brands.sql — white label: an organisation's brand, its white-label
-- subscription, and the version counter that tells every worker its brand
-- cache is stale (issue 7; DESIGN §3 step 2, §6).

-- A brand belongs to one organisation; its sub-partners and customers
-- inherit the nearest ancestor's brand unless they have their own.  Images
-- are stored re-checked (type from the bytes; SVG sanitised) and served by
-- the whitelabel module; colours are #rrggbb.
CREATE TABLE IF NOT EXISTS brands (
    org_id          BIGINT UNSIGNED NOT NULL,
    portal_name     VARCHAR(100) NOT NULL,
    primary_color   CHAR(7) CHARACTER SET ascii NULL,
    accent_color    CHAR(7) CHARACTER SET ascii NULL,
    logo_light      MEDIUMBLOB NULL,
    logo_light_type VARCHAR(32) CHARACTER SET ascii NULL,
    logo_dark       MEDIUMBLOB NULL,
    logo_dark_type  VARCHAR(32) CHARACTER SET ascii NULL,
    favicon         MEDIUMBLOB NULL,
    favicon_type    VARCHAR(32) CHARACTER SET ascii NULL,
    support_email   VARCHAR(254) NULL,
    support_phone   VARCHAR(50) NULL,
    support_url     VARCHAR(500) NULL,
    mail_from_name  VARCHAR(100) NULL,
    mail_reply_to   VARCHAR(254) NULL,
    footer_text     VARCHAR(500) NULL,
    -- templates/hosts/<set>/ for this brand's pages (operator-assigned).
    template_set    VARCHAR(64) CHARACTER SET ascii NULL,
    -- Bumped on every change: the asset URLs carry it (?v=), so browsers
    -- never show a stale logo.
    revision        INT UNSIGNED NOT NULL DEFAULT 1,
    updated         DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP,
    updated_by      BIGINT UNSIGNED NULL,
    PRIMARY KEY (org_id),
    CONSTRAINT brands_org_fk FOREIGN KEY (org_id) REFERENCES orgs (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- The optional white-label subscription ($25.00 a month, prorated).  The
-- billing module invoices it; amounts are integer cents.
CREATE TABLE IF NOT EXISTS whitelabel_subscriptions (
    id                BIGINT UNSIGNED NOT NULL AUTO_INCREMENT,
    org_id            BIGINT UNSIGNED NOT NULL,
    status            ENUM('active', 'ended') NOT NULL DEFAULT 'active',
    monthly_cents     INT UNSIGNED NOT NULL DEFAULT 2500,
    currency          CHAR(3) CHARACTER SET ascii NOT NULL DEFAULT 'USD',
    started           DATETIME NOT NULL,
    ended             DATETIME NULL,
    first_charge_cents INT UNSIGNED NOT NULL,   -- the prorated first month
    credit_cents      INT UNSIGNED NOT NULL DEFAULT 0,   -- the unused part at the end
    started_by        BIGINT UNSIGNED NULL,
    ended_by          BIGINT UNSIGNED NULL,
    PRIMARY KEY (id),
    KEY whitelabel_subscriptions_org (org_id, status),
    CONSTRAINT whitelabel_subscriptions_org_fk FOREIGN KEY (org_id) REFERENCES orgs (id)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- Per-worker caches ask this at most once a second: a change of brands or
-- hostnames bumps 'whitelabel' in the same transaction.
CREATE TABLE IF NOT EXISTS cache_versions (
    name     VARCHAR(32) CHARACTER SET ascii NOT NULL,
    version  BIGINT UNSIGNED NOT NULL DEFAULT 1,
    PRIMARY KEY (name)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
INSERT IGNORE INTO cache_versions (name, version) VALUES ('whitelabel', 1);

-- Mail to a brand's customers answers to the brand's address.
ALTER TABLE mail_outbox ADD COLUMN IF NOT EXISTS reply_to VARCHAR(254) NULL AFTER from_addr;
