-- LicenseDesk schema 11: a change rewrites only the search rows of what it changed (issue 23).
--
-- A removal clears the user's extension and releases the number; an edit that saves the same
-- name, email and extension changes none of them. The triggers of schemas 5 to 7 rewrote all
-- of a user's search rows (the trigram row, eight short-search prefixes, the list-order text
-- row) on every such update, and changed the list-order token on every save.
--
-- 1. user_search is contentless (content = ''): its texts are in users and phone_numbers
--    already (and in user_texts), and the search reads only its rowids. A row is replaced by
--    DELETE and INSERT (contentless_delete), which need not read and re-tokenize the old
--    texts, and the file no longer holds a third copy of every user's texts. It is built
--    again here from users and phone_numbers.
-- 2. Every update trigger has a WHEN: an update that leaves its texts as they were (emails
--    compared exactly, not NOCASE) does nothing. A change of the extension alone touches
--    only the extension's two prefixes and the extension in the list-order text row; a
--    change of a name or email rewrites all of the user's rows, as before.

DROP TRIGGER user_search_user_insert;
DROP TRIGGER user_search_user_update;
DROP TRIGGER user_search_user_delete;
DROP TRIGGER user_search_number_insert;
DROP TRIGGER user_search_number_update;
DROP TRIGGER user_search_number_delete;
DROP TABLE user_search;

CREATE VIRTUAL TABLE user_search USING fts5 (name, email, extension, number,
    content = '', contentless_delete = 1, tokenize = 'trigram');

INSERT INTO user_search (rowid, name, email, extension, number)
SELECT u.id, u.first_name || ' ' || u.last_name, u.email, coalesce(u.extension, ''), coalesce(n.e164, '')
FROM users u LEFT JOIN phone_numbers n ON n.user_id = u.id;
INSERT INTO user_search (user_search) VALUES ('optimize');

CREATE TRIGGER user_search_user_insert AFTER INSERT ON users
BEGIN
    INSERT INTO user_search (rowid, name, email, extension, number)
    VALUES (NEW.id, NEW.first_name || ' ' || NEW.last_name, NEW.email, coalesce(NEW.extension, ''),
            coalesce((SELECT e164 FROM phone_numbers WHERE user_id = NEW.id), ''));
END;

CREATE TRIGGER user_search_user_update
AFTER UPDATE OF id, first_name, last_name, email, extension ON users
WHEN OLD.id IS NOT NEW.id OR OLD.first_name IS NOT NEW.first_name
  OR OLD.last_name IS NOT NEW.last_name OR OLD.email IS NOT NEW.email COLLATE BINARY
  OR OLD.extension IS NOT NEW.extension
BEGIN
    DELETE FROM user_search WHERE rowid = OLD.id;
    INSERT INTO user_search (rowid, name, email, extension, number)
    VALUES (NEW.id, NEW.first_name || ' ' || NEW.last_name, NEW.email, coalesce(NEW.extension, ''),
            coalesce((SELECT e164 FROM phone_numbers WHERE user_id = NEW.id), ''));
END;

CREATE TRIGGER user_search_user_delete AFTER DELETE ON users
BEGIN
    DELETE FROM user_search WHERE rowid = OLD.id;
END;

CREATE TRIGGER user_search_number_insert AFTER INSERT ON phone_numbers
WHEN NEW.user_id IS NOT NULL
BEGIN
    DELETE FROM user_search WHERE rowid = NEW.user_id;
    INSERT INTO user_search (rowid, name, email, extension, number)
    SELECT id, first_name || ' ' || last_name, email, coalesce(extension, ''), NEW.e164
    FROM users WHERE id = NEW.user_id;
END;

CREATE TRIGGER user_search_number_update AFTER UPDATE OF e164, user_id ON phone_numbers
WHEN OLD.e164 IS NOT NEW.e164 OR OLD.user_id IS NOT NEW.user_id
BEGIN
    DELETE FROM user_search WHERE rowid = OLD.user_id;
    INSERT INTO user_search (rowid, name, email, extension, number)
    SELECT id, first_name || ' ' || last_name, email, coalesce(extension, ''), ''
    FROM users WHERE id = OLD.user_id;
    DELETE FROM user_search WHERE rowid = NEW.user_id;
    INSERT INTO user_search (rowid, name, email, extension, number)
    SELECT id, first_name || ' ' || last_name, email, coalesce(extension, ''), NEW.e164
    FROM users WHERE id = NEW.user_id;
END;

CREATE TRIGGER user_search_number_delete AFTER DELETE ON phone_numbers
WHEN OLD.user_id IS NOT NULL
BEGIN
    DELETE FROM user_search WHERE rowid = OLD.user_id;
    INSERT INTO user_search (rowid, name, email, extension, number)
    SELECT id, first_name || ' ' || last_name, email, coalesce(extension, ''), ''
    FROM users WHERE id = OLD.user_id;
END;

-- Short-search prefixes and list-order texts: everything again when a name or email changes,
-- only the extension's when the extension alone does (the two triggers never both act).
DROP TRIGGER user_prefixes_user_update;
DROP TRIGGER user_texts_user_update;

CREATE TRIGGER user_prefixes_user_update
AFTER UPDATE OF id, first_name, last_name, email, extension ON users
WHEN OLD.id IS NOT NEW.id OR OLD.first_name IS NOT NEW.first_name
  OR OLD.last_name IS NOT NEW.last_name OR OLD.email IS NOT NEW.email COLLATE BINARY
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

-- A prefix of the old extension stays when a name or email (unchanged) or the new extension
-- also starts with it. (A NULL in a NOT IN list would make it match nothing: hence coalesce.)
CREATE TRIGGER user_prefixes_extension_update AFTER UPDATE OF extension ON users
WHEN OLD.extension IS NOT NEW.extension
 AND OLD.id IS NEW.id AND OLD.first_name IS NEW.first_name
 AND OLD.last_name IS NEW.last_name AND OLD.email IS NEW.email COLLATE BINARY
BEGIN
    DELETE FROM user_prefixes
    WHERE user_id = NEW.id AND sort_name = NEW.sort_name
      AND prefix IN (substr(OLD.extension, 1, 1), substr(OLD.extension, 1, 2))
      AND prefix NOT IN (substr(lower(NEW.first_name), 1, 1), substr(lower(NEW.first_name), 1, 2),
                         substr(lower(NEW.last_name), 1, 1), substr(lower(NEW.last_name), 1, 2),
                         substr(lower(NEW.email), 1, 1), substr(lower(NEW.email), 1, 2),
                         coalesce(substr(NEW.extension, 1, 1), ''),
                         coalesce(substr(NEW.extension, 1, 2), ''));
    INSERT OR IGNORE INTO user_prefixes (prefix, sort_name, user_id)
    SELECT p.column1, NEW.sort_name, NEW.id
    FROM (VALUES (substr(NEW.extension, 1, 1)), (substr(NEW.extension, 1, 2))) p
    WHERE p.column1 <> '';
END;

CREATE TRIGGER user_texts_user_update
AFTER UPDATE OF id, first_name, last_name, email, extension ON users
WHEN OLD.id IS NOT NEW.id OR OLD.first_name IS NOT NEW.first_name
  OR OLD.last_name IS NOT NEW.last_name OR OLD.email IS NOT NEW.email COLLATE BINARY
BEGIN
    DELETE FROM user_texts WHERE sort_name = OLD.sort_name AND user_id = OLD.id;
    INSERT INTO user_texts (sort_name, user_id, name, email, extension, number)
    VALUES (NEW.sort_name, NEW.id, NEW.first_name || ' ' || NEW.last_name, NEW.email,
            coalesce(NEW.extension, ''),
            coalesce((SELECT e164 FROM phone_numbers WHERE user_id = NEW.id), ''));
END;

CREATE TRIGGER user_texts_extension_update AFTER UPDATE OF extension ON users
WHEN OLD.extension IS NOT NEW.extension
 AND OLD.id IS NEW.id AND OLD.first_name IS NEW.first_name
 AND OLD.last_name IS NEW.last_name AND OLD.email IS NEW.email COLLATE BINARY
BEGIN
    UPDATE user_texts SET extension = coalesce(NEW.extension, '')
    WHERE sort_name = NEW.sort_name AND user_id = NEW.id;
END;

DROP TRIGGER list_order_user_rename;
CREATE TRIGGER list_order_user_rename AFTER UPDATE OF id, first_name, last_name ON users
WHEN OLD.id IS NOT NEW.id OR OLD.first_name IS NOT NEW.first_name
  OR OLD.last_name IS NOT NEW.last_name
BEGIN
    UPDATE list_order_token SET token = random();
END;
