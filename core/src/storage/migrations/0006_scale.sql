-- LicenseDesk schema: what keeps 100,000-user organizations instant (issue 8).
--
-- 1. Short searches (1 or 2 characters).
--
-- A short search matches the start of the first name, last name, email or extension (ASCII
-- letters lower-cased, as lower() does). Every user is listed here once under each distinct
-- start of 1 and 2 characters of those texts, in list order (sort name, id): the top of a
-- short search, and any later page, is then one index range instead of four ranges merged
-- and sorted. Triggers on users keep it in step in the same transaction as the change.

CREATE TABLE user_prefixes (
    prefix    TEXT NOT NULL,
    sort_name TEXT NOT NULL,
    user_id   INTEGER NOT NULL,
    PRIMARY KEY (prefix, sort_name, user_id)
) STRICT, WITHOUT ROWID;

INSERT OR IGNORE INTO user_prefixes (prefix, sort_name, user_id)
SELECT prefix, sort_name, id FROM (
SELECT substr(lower(u.first_name), 1, 1) AS prefix, sort_name, id FROM users u
UNION ALL
SELECT substr(lower(u.first_name), 1, 2), sort_name, id FROM users u
UNION ALL
SELECT substr(lower(u.last_name), 1, 1), sort_name, id FROM users u
UNION ALL
SELECT substr(lower(u.last_name), 1, 2), sort_name, id FROM users u
UNION ALL
SELECT substr(lower(u.email), 1, 1), sort_name, id FROM users u
UNION ALL
SELECT substr(lower(u.email), 1, 2), sort_name, id FROM users u
UNION ALL
SELECT substr(u.extension, 1, 1), sort_name, id FROM users u
UNION ALL
SELECT substr(u.extension, 1, 2), sort_name, id FROM users u
)
WHERE prefix <> '';

CREATE TRIGGER user_prefixes_user_insert AFTER INSERT ON users
BEGIN
    INSERT OR IGNORE INTO user_prefixes (prefix, sort_name, user_id)
    SELECT p.column1, NEW.sort_name, NEW.id
    FROM (VALUES (substr(lower(NEW.first_name), 1, 1)),
               (substr(lower(NEW.first_name), 1, 2)),
               (substr(lower(NEW.last_name), 1, 1)),
               (substr(lower(NEW.last_name), 1, 2)),
               (substr(lower(NEW.email), 1, 1)),
               (substr(lower(NEW.email), 1, 2)),
               (substr(NEW.extension, 1, 1)),
               (substr(NEW.extension, 1, 2))) p
    WHERE p.column1 <> '';
END;

CREATE TRIGGER user_prefixes_user_update
AFTER UPDATE OF id, first_name, last_name, email, extension ON users
BEGIN
    DELETE FROM user_prefixes
    WHERE user_id = OLD.id AND sort_name = OLD.sort_name
      AND prefix IN (substr(lower(OLD.first_name), 1, 1), substr(lower(OLD.first_name), 1, 2),
                     substr(lower(OLD.last_name), 1, 1), substr(lower(OLD.last_name), 1, 2),
                     substr(lower(OLD.email), 1, 1), substr(lower(OLD.email), 1, 2),
                     substr(OLD.extension, 1, 1), substr(OLD.extension, 1, 2));
    INSERT OR IGNORE INTO user_prefixes (prefix, sort_name, user_id)
    SELECT p.column1, NEW.sort_name, NEW.id
    FROM (VALUES (substr(lower(NEW.first_name), 1, 1)),
               (substr(lower(NEW.first_name), 1, 2)),
               (substr(lower(NEW.last_name), 1, 1)),
               (substr(lower(NEW.last_name), 1, 2)),
               (substr(lower(NEW.email), 1, 1)),
               (substr(lower(NEW.email), 1, 2)),
               (substr(NEW.extension, 1, 1)),
               (substr(NEW.extension, 1, 2))) p
    WHERE p.column1 <> '';
END;

CREATE TRIGGER user_prefixes_user_delete AFTER DELETE ON users
BEGIN
    DELETE FROM user_prefixes
    WHERE user_id = OLD.id AND sort_name = OLD.sort_name
      AND prefix IN (substr(lower(OLD.first_name), 1, 1), substr(lower(OLD.first_name), 1, 2),
                     substr(lower(OLD.last_name), 1, 1), substr(lower(OLD.last_name), 1, 2),
                     substr(lower(OLD.email), 1, 1), substr(lower(OLD.email), 1, 2),
                     substr(OLD.extension, 1, 1), substr(OLD.extension, 1, 2));
END;

-- 2. The list order (sort name, id) changes only when a user is added, removed or renamed.
-- Searches keep it in memory (list_order.rs) and read it again when this token changes.
CREATE TABLE list_order_token (
    only  INTEGER PRIMARY KEY CHECK (only = 1),
    token INTEGER NOT NULL
) STRICT;
INSERT INTO list_order_token (only, token) VALUES (1, random());

CREATE TRIGGER list_order_user_insert AFTER INSERT ON users
BEGIN
    UPDATE list_order_token SET token = random();
END;

CREATE TRIGGER list_order_user_rename AFTER UPDATE OF id, first_name, last_name ON users
BEGIN
    UPDATE list_order_token SET token = random();
END;

CREATE TRIGGER list_order_user_delete AFTER DELETE ON users
BEGIN
    UPDATE list_order_token SET token = random();
END;

-- The short search no longer reads the first name's index; nothing else did.
DROP INDEX users_by_first_name;

-- 3. A removal's safety archive is stored here too, in the removal's own transaction: one
-- durable commit covers the deletion and its archive. The file beside the organization is
-- a copy the admin can open; it is written again from here if it goes missing
-- (removal.rs), and both are deleted after 30 days.
ALTER TABLE safety_archives ADD COLUMN zip BLOB;
