-- LicenseDesk schema 4: what follows a license: voicemail PIN, app access, device details.

-- The PIN is stored as an argon2id hash: admins set it, nobody reads it back.
ALTER TABLE voicemail_settings ADD COLUMN pin_hash TEXT;

-- Desk phones are activated by model and MAC address; apps have neither.
ALTER TABLE device_activations ADD COLUMN model TEXT;
ALTER TABLE device_activations ADD COLUMN mac_address TEXT
    CHECK (mac_address IS NULL OR (length(mac_address) = 17
           AND mac_address GLOB '[0-9A-F][0-9A-F]:[0-9A-F][0-9A-F]:[0-9A-F][0-9A-F]:[0-9A-F][0-9A-F]:[0-9A-F][0-9A-F]:[0-9A-F][0-9A-F]'));
CREATE UNIQUE INDEX device_activations_by_mac ON device_activations (mac_address)
    WHERE mac_address IS NOT NULL;

-- Which apps a user may sign in to. Deleted by a license removal, like the other settings.
CREATE TABLE app_access (
    user_id INTEGER NOT NULL REFERENCES users (id),
    app     TEXT NOT NULL CHECK (app IN ('desktop_app', 'mobile_app', 'web_app', 'video_meetings')),
    enabled INTEGER NOT NULL CHECK (enabled IN (0, 1)),
    PRIMARY KEY (user_id, app)
) STRICT, WITHOUT ROWID;

CREATE INDEX forwarding_rules_by_destination ON forwarding_rules (destination);
