-- LicenseDesk schema 1: organization, users, numbers, license seats, admin accounts, audit log.

CREATE TABLE org_settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

CREATE TABLE sites (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE CHECK (length(trim(name)) > 0)
) STRICT;

CREATE TABLE products (
    id                  INTEGER PRIMARY KEY,
    sku                 TEXT NOT NULL UNIQUE,
    name                TEXT NOT NULL UNIQUE CHECK (length(trim(name)) > 0),
    family              TEXT NOT NULL CHECK (family IN ('voice', 'contact_center', 'meetings')),
    monthly_price_cents INTEGER NOT NULL CHECK (monthly_price_cents >= 0)
) STRICT;

CREATE TABLE product_features (
    product_id INTEGER NOT NULL REFERENCES products (id) ON DELETE CASCADE,
    feature    TEXT NOT NULL CHECK (feature IN ('calling', 'voicemail', 'call_forwarding',
                   'call_recording', 'desktop_app', 'mobile_app', 'video_meetings',
                   'contact_center', 'analytics')),
    PRIMARY KEY (product_id, feature)
) STRICT, WITHOUT ROWID;

CREATE TABLE users (
    id          INTEGER PRIMARY KEY,
    first_name  TEXT NOT NULL CHECK (length(trim(first_name)) > 0),
    last_name   TEXT NOT NULL CHECK (length(trim(last_name)) > 0),
    email       TEXT NOT NULL COLLATE NOCASE UNIQUE CHECK (email LIKE '%_@_%'),
    department  TEXT NOT NULL DEFAULT '',
    site_id     INTEGER NOT NULL REFERENCES sites (id),
    status      TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
    -- Text, so that leading zeros survive; digits only, 3 to 6 long.
    extension   TEXT UNIQUE CHECK (extension IS NULL OR (length(extension) BETWEEN 3 AND 6
                                   AND extension NOT GLOB '*[^0-9]*')),
    version     INTEGER NOT NULL DEFAULT 1,
    updated_at  TEXT NOT NULL,
    updated_by  INTEGER REFERENCES accounts (id),
    sort_name   TEXT GENERATED ALWAYS AS (lower(last_name || ' ' || first_name)) VIRTUAL
) STRICT;
CREATE INDEX users_by_sort_name ON users (sort_name, id);

CREATE TABLE phone_numbers (
    id      INTEGER PRIMARY KEY,
    e164    TEXT NOT NULL UNIQUE CHECK (e164 GLOB '+[1-9]*' AND e164 NOT GLOB '+*[^0-9]*'
                                        AND length(e164) BETWEEN 8 AND 16),
    site_id INTEGER NOT NULL REFERENCES sites (id),
    status  TEXT NOT NULL CHECK (status IN ('available', 'assigned')),
    user_id INTEGER UNIQUE REFERENCES users (id),
    CHECK ((status = 'assigned') = (user_id IS NOT NULL))
) STRICT;

CREATE TABLE seats (
    id                  INTEGER PRIMARY KEY,
    product_id          INTEGER NOT NULL REFERENCES products (id),
    status              TEXT NOT NULL CHECK (status IN ('available', 'assigned',
                            'pending_cancellation', 'cancelled')),
    user_id             INTEGER UNIQUE REFERENCES users (id),
    purchased_at        TEXT NOT NULL,
    assigned_at         TEXT,
    cancel_effective_on TEXT,
    -- A seat has a holder exactly when it is assigned, and a cancellation date exactly when
    -- it is being or has been cancelled: impossible states cannot be stored.
    CHECK ((status = 'assigned') = (user_id IS NOT NULL)),
    CHECK ((status = 'assigned') = (assigned_at IS NOT NULL)),
    CHECK ((status IN ('pending_cancellation', 'cancelled')) = (cancel_effective_on IS NOT NULL))
) STRICT;
CREATE INDEX seats_by_product_status ON seats (product_id, status, id);

CREATE TABLE roles (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
) STRICT;

CREATE TABLE role_permissions (
    role_id    INTEGER NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
    permission TEXT NOT NULL CHECK (permission IN ('users.view', 'users.edit', 'licenses.view',
                   'licenses.assign', 'licenses.remove', 'billing.view', 'billing.manage',
                   'numbers.manage', 'settings.manage', 'recordings.view', 'audit.view',
                   'admins.manage')),
    PRIMARY KEY (role_id, permission)
) STRICT, WITHOUT ROWID;

CREATE TABLE accounts (
    id            INTEGER PRIMARY KEY,
    login         TEXT NOT NULL COLLATE NOCASE UNIQUE CHECK (length(trim(login)) > 0),
    display_name  TEXT NOT NULL,
    role_id       INTEGER NOT NULL REFERENCES roles (id),
    password_hash TEXT NOT NULL,
    status        TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
    created_at    TEXT NOT NULL
) STRICT;

CREATE TABLE audit_log (
    id           INTEGER PRIMARY KEY,
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
CREATE INDEX audit_log_by_target ON audit_log (target_user_id, id);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
