-- LicenseDesk schema 3: the local billing ledger: orders that add seats, and partial
-- cancellations that take unassigned seats out of the bill from their effective date.

CREATE TABLE orders (
    id               INTEGER PRIMARY KEY,
    product_id       INTEGER NOT NULL REFERENCES products (id),
    quantity         INTEGER NOT NULL CHECK (quantity > 0),
    unit_price_cents INTEGER NOT NULL CHECK (unit_price_cents >= 0),
    ordered_at       TEXT NOT NULL,
    account_id       INTEGER REFERENCES accounts (id)
) STRICT;

CREATE TABLE cancellation_requests (
    id           INTEGER PRIMARY KEY,
    product_id   INTEGER NOT NULL REFERENCES products (id),
    quantity     INTEGER NOT NULL CHECK (quantity > 0),
    requested_at TEXT NOT NULL,
    effective_on TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('pending', 'withdrawn', 'effective')),
    closed_at    TEXT,
    account_id   INTEGER REFERENCES accounts (id),
    CHECK ((status = 'pending') = (closed_at IS NULL))
) STRICT;

ALTER TABLE seats ADD COLUMN order_id INTEGER REFERENCES orders (id);
ALTER TABLE seats ADD COLUMN cancellation_request_id INTEGER REFERENCES cancellation_requests (id);
CREATE INDEX seats_by_cancellation ON seats (cancellation_request_id);

INSERT OR IGNORE INTO org_settings (key, value) VALUES ('billing_day', '1');
INSERT OR IGNORE INTO org_settings (key, value) VALUES ('notice_period_days', '30');
INSERT OR IGNORE INTO org_settings (key, value) VALUES ('currency', 'USD');
