-- The audit log on a server: append-only, hash-chained in Rust (kernel/audit.rs), and
-- ordered by the head row, which every append locks: two admins appending at once take
-- turns, so no two entries ever link to the same predecessor.
CREATE TABLE audit_log (
    id             bigint PRIMARY KEY CHECK (id > 0),
    at             text   NOT NULL,
    account_id     bigint,
    account_login  text   NOT NULL,
    role_name      text   NOT NULL,
    action         text   NOT NULL,
    outcome        text   NOT NULL CHECK (outcome IN ('ok', 'refused')),
    target_user_id bigint,
    target_label   text,
    before_json    text,
    after_json     text,
    detail         text,
    prev_hash      text   NOT NULL,
    hash           text   NOT NULL UNIQUE
);

-- The last entry's id and hash (id 0 and the genesis hash for an empty log).
CREATE TABLE audit_head (
    one     boolean PRIMARY KEY DEFAULT true CHECK (one),
    last_id bigint  NOT NULL CHECK (last_id >= 0),
    hash    text    NOT NULL
);
INSERT INTO audit_head (last_id, hash)
VALUES (0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE FUNCTION audit_log_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only: % is refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER audit_log_no_update BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_refuse();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse();
-- The head only moves forward, to an entry that is there with that hash (the next one, or
-- the last of a log moved from a file), and is never removed.
CREATE FUNCTION audit_head_forward() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP <> 'UPDATE' OR NEW.last_id <= OLD.last_id OR NOT EXISTS (
        SELECT 1 FROM audit_log WHERE id = NEW.last_id AND hash = NEW.hash
    ) THEN
        RAISE EXCEPTION 'the audit head only moves forward, to an entry of the log'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER audit_head_only_forward BEFORE UPDATE OR DELETE ON audit_head
    FOR EACH ROW EXECUTE FUNCTION audit_head_forward();
CREATE TRIGGER audit_head_no_truncate BEFORE TRUNCATE ON audit_head
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse();

-- Not even the owner's own role may: the triggers above are the guard, this the statement.
REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM PUBLIC, CURRENT_USER;
REVOKE DELETE, TRUNCATE ON audit_head FROM PUBLIC, CURRENT_USER;
