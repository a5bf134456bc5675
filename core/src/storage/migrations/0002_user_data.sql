-- LicenseDesk schema 2: the data a user accumulates under a license, and what a removal keeps.

-- Deleted by a license removal:
CREATE TABLE call_history (
    id               INTEGER PRIMARY KEY,
    user_id          INTEGER NOT NULL REFERENCES users (id),
    started_at       TEXT NOT NULL,
    direction        TEXT NOT NULL CHECK (direction IN ('inbound', 'outbound', 'missed')),
    remote_number    TEXT NOT NULL,
    duration_seconds INTEGER NOT NULL CHECK (duration_seconds >= 0)
) STRICT;
CREATE INDEX call_history_by_user ON call_history (user_id);

CREATE TABLE forwarding_rules (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users (id),
    condition   TEXT NOT NULL CHECK (condition IN ('always', 'busy', 'no_answer', 'unreachable')),
    destination TEXT NOT NULL CHECK (length(destination) > 0),
    rings       INTEGER CHECK (rings IS NULL OR rings BETWEEN 1 AND 10),
    enabled     INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    UNIQUE (user_id, condition),
    CHECK ((condition = 'no_answer') = (rings IS NOT NULL))
) STRICT;

CREATE TABLE voicemail_settings (
    user_id            INTEGER PRIMARY KEY REFERENCES users (id),
    enabled            INTEGER NOT NULL CHECK (enabled IN (0, 1)),
    email_notification INTEGER NOT NULL CHECK (email_notification IN (0, 1))
) STRICT;

CREATE TABLE voicemails (
    id               INTEGER PRIMARY KEY,
    user_id          INTEGER NOT NULL REFERENCES users (id),
    received_at      TEXT NOT NULL,
    caller_number    TEXT NOT NULL,
    duration_seconds INTEGER NOT NULL CHECK (duration_seconds >= 0),
    heard            INTEGER NOT NULL CHECK (heard IN (0, 1)),
    audio            BLOB NOT NULL
) STRICT;
CREATE INDEX voicemails_by_user ON voicemails (user_id);

CREATE TABLE voicemail_greetings (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    kind       TEXT NOT NULL CHECK (kind IN ('standard', 'busy', 'away')),
    created_at TEXT NOT NULL,
    audio      BLOB NOT NULL,
    UNIQUE (user_id, kind)
) STRICT;

CREATE TABLE device_activations (
    id           INTEGER PRIMARY KEY,
    user_id      INTEGER NOT NULL REFERENCES users (id),
    device_type  TEXT NOT NULL CHECK (device_type IN ('desk_phone', 'desktop_app', 'mobile_app')),
    label        TEXT NOT NULL,
    activated_at TEXT NOT NULL
) STRICT;
CREATE INDEX device_activations_by_user ON device_activations (user_id);

-- Kept by a license removal: admins with recordings.view can still list, play and export them.
CREATE TABLE call_recordings (
    id               INTEGER PRIMARY KEY,
    user_id          INTEGER NOT NULL REFERENCES users (id),
    recorded_at      TEXT NOT NULL,
    remote_number    TEXT NOT NULL,
    duration_seconds INTEGER NOT NULL CHECK (duration_seconds >= 0),
    audio            BLOB NOT NULL
) STRICT;
CREATE INDEX call_recordings_by_user ON call_recordings (user_id);

-- The bundle written before every removal, kept for 30 days.
CREATE TABLE safety_archives (
    id         INTEGER PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id),
    path       TEXT NOT NULL,
    sha256     TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
) STRICT;
CREATE INDEX safety_archives_by_user ON safety_archives (user_id);
