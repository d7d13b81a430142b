-- 003_session_mfa.sql — a session signed in to an organisation that
-- requires two-factor is held to the enrolment pages until the user has it.
ALTER TABLE sessions ADD COLUMN IF NOT EXISTS mfa_required TINYINT(1) NOT NULL DEFAULT 0;
