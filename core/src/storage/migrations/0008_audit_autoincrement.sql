-- LicenseDesk schema: audit log ids are never reused (issue 18).
--
-- With a plain INTEGER PRIMARY KEY, SQLite gives a new row the largest id plus one: after the
-- last entries were deleted outside LicenseDesk, the next entry would take a deleted entry's
-- id and the gap would not show. AUTOINCREMENT remembers the largest id ever used (in
-- sqlite_sequence). The table is rebuilt with every row, hash and link as it was, and the
-- append-only triggers are created again on it.

CREATE TABLE audit_log_new (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    at           TEXT NOT NULL,
    account_id   INTEGER REFERENCES accounts (id),
    account_login TEXT NOT NULL,
    role_name    TEXT NOT NULL,
    action       TEXT NOT NULL,
    outcome      TEXT NOT NULL CHECK (outcome IN ('ok', 'refused')),
    target_user_id INTEGER,
    target_label TEXT,
    before_json  TEXT,
    after_json   TEXT,
    detail       TEXT,
    prev_hash    TEXT NOT NULL,
    hash         TEXT NOT NULL UNIQUE
) STRICT;

INSERT INTO audit_log_new (id, at, account_id, account_login, role_name, action, outcome,
    target_user_id, target_label, before_json, after_json, detail, prev_hash, hash)
SELECT id, at, account_id, account_login, role_name, action, outcome,
    target_user_id, target_label, before_json, after_json, detail, prev_hash, hash
FROM audit_log ORDER BY id;

DROP TRIGGER audit_log_no_update;
DROP TRIGGER audit_log_no_delete;
DROP TABLE audit_log;
ALTER TABLE audit_log_new RENAME TO audit_log;

CREATE INDEX audit_log_by_target ON audit_log (target_user_id, id);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
