-- LicenseDesk schema: a common search text found by walking down the list (issue 8).
--
-- A search text that many users hold ("+1512555", "son") fills its page within the first few
-- hundred users of the list, so it is found by reading the list in order and testing each
-- user's texts (users.rs). Read from users, each user costs a lookup of its row and of its
-- phone number; here the texts the search box matches sit in list order (sort name, id),
-- side by side on a few pages. Triggers on users and phone_numbers keep it in step in the
-- same transaction as the change, as they do user_search's.

CREATE TABLE user_texts (
    sort_name TEXT NOT NULL,
    user_id   INTEGER NOT NULL,
    name      TEXT NOT NULL,
    email     TEXT NOT NULL,
    extension TEXT NOT NULL,
    number    TEXT NOT NULL,
    PRIMARY KEY (sort_name, user_id)
) STRICT, WITHOUT ROWID;

INSERT INTO user_texts (sort_name, user_id, name, email, extension, number)
SELECT u.sort_name, u.id, u.first_name || ' ' || u.last_name, u.email,
       coalesce(u.extension, ''), coalesce(n.e164, '')
FROM users u LEFT JOIN phone_numbers n ON n.user_id = u.id;

CREATE TRIGGER user_texts_user_insert AFTER INSERT ON users
BEGIN
    INSERT INTO user_texts (sort_name, user_id, name, email, extension, number)
    VALUES (NEW.sort_name, NEW.id, NEW.first_name || ' ' || NEW.last_name, NEW.email,
            coalesce(NEW.extension, ''),
            coalesce((SELECT e164 FROM phone_numbers WHERE user_id = NEW.id), ''));
END;

CREATE TRIGGER user_texts_user_update
AFTER UPDATE OF id, first_name, last_name, email, extension ON users
BEGIN
    DELETE FROM user_texts WHERE sort_name = OLD.sort_name AND user_id = OLD.id;
    INSERT INTO user_texts (sort_name, user_id, name, email, extension, number)
    VALUES (NEW.sort_name, NEW.id, NEW.first_name || ' ' || NEW.last_name, NEW.email,
            coalesce(NEW.extension, ''),
            coalesce((SELECT e164 FROM phone_numbers WHERE user_id = NEW.id), ''));
END;

CREATE TRIGGER user_texts_user_delete AFTER DELETE ON users
BEGIN
    DELETE FROM user_texts WHERE sort_name = OLD.sort_name AND user_id = OLD.id;
END;

-- A number's user is found by its sort name (the key) and id.
CREATE TRIGGER user_texts_number_insert AFTER INSERT ON phone_numbers
WHEN NEW.user_id IS NOT NULL
BEGIN
    UPDATE user_texts SET number = NEW.e164
    WHERE sort_name = (SELECT sort_name FROM users WHERE id = NEW.user_id)
      AND user_id = NEW.user_id;
END;

CREATE TRIGGER user_texts_number_update AFTER UPDATE OF e164, user_id ON phone_numbers
BEGIN
    UPDATE user_texts SET number = ''
    WHERE OLD.user_id IS NOT NULL
      AND sort_name = (SELECT sort_name FROM users WHERE id = OLD.user_id)
      AND user_id = OLD.user_id;
    UPDATE user_texts SET number = NEW.e164
    WHERE NEW.user_id IS NOT NULL
      AND sort_name = (SELECT sort_name FROM users WHERE id = NEW.user_id)
      AND user_id = NEW.user_id;
END;

CREATE TRIGGER user_texts_number_delete AFTER DELETE ON phone_numbers
WHEN OLD.user_id IS NOT NULL
BEGIN
    UPDATE user_texts SET number = ''
    WHERE sort_name = (SELECT sort_name FROM users WHERE id = OLD.user_id)
      AND user_id = OLD.user_id;
END;
