-- LicenseDesk schema: substring search that stays instant at 100,000 users.
--
-- user_search holds, per user (rowid = users.id), the four texts the "Search users" box
-- matches: "First Last", email, extension and phone number. The trigram tokenizer finds any
-- substring of 3 or more characters through the index, ignoring case (Unicode case folding).
-- Triggers on users and phone_numbers keep it in step in the same transaction as the change.
-- Shorter searches do not use it (see users.rs): they match the start of a name, email or
-- extension through the indexes below.

CREATE VIRTUAL TABLE user_search USING fts5 (
    name, email, extension, number,
    tokenize = 'trigram'
);

INSERT INTO user_search (rowid, name, email, extension, number)
SELECT u.id, u.first_name || ' ' || u.last_name, u.email, coalesce(u.extension, ''),
       coalesce(n.e164, '')
FROM users u LEFT JOIN phone_numbers n ON n.user_id = u.id;

CREATE TRIGGER user_search_user_insert AFTER INSERT ON users
BEGIN
    INSERT INTO user_search (rowid, name, email, extension, number)
    VALUES (NEW.id, NEW.first_name || ' ' || NEW.last_name, NEW.email,
            coalesce(NEW.extension, ''),
            coalesce((SELECT e164 FROM phone_numbers WHERE user_id = NEW.id), ''));
END;

CREATE TRIGGER user_search_user_update
AFTER UPDATE OF id, first_name, last_name, email, extension ON users
BEGIN
    DELETE FROM user_search WHERE rowid = OLD.id;
    INSERT INTO user_search (rowid, name, email, extension, number)
    VALUES (NEW.id, NEW.first_name || ' ' || NEW.last_name, NEW.email,
            coalesce(NEW.extension, ''),
            coalesce((SELECT e164 FROM phone_numbers WHERE user_id = NEW.id), ''));
END;

CREATE TRIGGER user_search_user_delete AFTER DELETE ON users
BEGIN
    DELETE FROM user_search WHERE rowid = OLD.id;
END;

CREATE TRIGGER user_search_number_insert AFTER INSERT ON phone_numbers
WHEN NEW.user_id IS NOT NULL
BEGIN
    UPDATE user_search SET number = NEW.e164 WHERE rowid = NEW.user_id;
END;

CREATE TRIGGER user_search_number_update
AFTER UPDATE OF e164, user_id ON phone_numbers
BEGIN
    UPDATE user_search SET number = ''
    WHERE OLD.user_id IS NOT NULL AND rowid = OLD.user_id;
    UPDATE user_search SET number = NEW.e164
    WHERE NEW.user_id IS NOT NULL AND rowid = NEW.user_id;
END;

CREATE TRIGGER user_search_number_delete AFTER DELETE ON phone_numbers
WHEN OLD.user_id IS NOT NULL
BEGIN
    UPDATE user_search SET number = '' WHERE rowid = OLD.user_id;
END;

-- Short searches: the start of the first name (the last name's is users_by_sort_name),
-- and of the email (its UNIQUE index is NOCASE) and extension (UNIQUE).
CREATE INDEX users_by_first_name ON users (lower(first_name));

-- The license inventory at 100,000 seats: seat counts per product and status, kept by
-- triggers in the same transaction as every seat change, so that the Licenses page reads
-- five rows instead of counting every seat. (Pending cancellations are few and are still
-- counted from the seats, because whether one still counts depends on the day.)
CREATE TABLE seat_tallies (
    product_id INTEGER NOT NULL,
    status     TEXT NOT NULL,
    n          INTEGER NOT NULL CHECK (n >= 0),
    PRIMARY KEY (product_id, status)
) STRICT, WITHOUT ROWID;

INSERT INTO seat_tallies (product_id, status, n)
SELECT product_id, status, count(*) FROM seats GROUP BY product_id, status;

CREATE TRIGGER seat_tallies_insert AFTER INSERT ON seats
BEGIN
    INSERT INTO seat_tallies (product_id, status, n) VALUES (NEW.product_id, NEW.status, 1)
    ON CONFLICT (product_id, status) DO UPDATE SET n = n + 1;
END;

CREATE TRIGGER seat_tallies_delete AFTER DELETE ON seats
BEGIN
    UPDATE seat_tallies SET n = n - 1 WHERE product_id = OLD.product_id AND status = OLD.status;
END;

CREATE TRIGGER seat_tallies_update AFTER UPDATE OF product_id, status ON seats
WHEN OLD.product_id IS NOT NEW.product_id OR OLD.status IS NOT NEW.status
BEGIN
    UPDATE seat_tallies SET n = n - 1 WHERE product_id = OLD.product_id AND status = OLD.status;
    INSERT INTO seat_tallies (product_id, status, n) VALUES (NEW.product_id, NEW.status, 1)
    ON CONFLICT (product_id, status) DO UPDATE SET n = n + 1;
END;
