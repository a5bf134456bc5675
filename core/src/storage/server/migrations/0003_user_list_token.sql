-- Each window keeps the Users list in memory for its search, as the file does: ids and sort
-- names in list order with the texts a search looks in (docs/ARCHITECTURE.md §Server). The
-- token is new whenever a statement adds, removes or renames users or changes an email,
-- extension or number (the number through the triggers on phone_numbers), so a window reads
-- the list again only then, and in the same snapshot as the page it serves. Random, not a
-- count: a database restored from an older dump does not come back to a token a window saw.
CREATE TABLE user_list_token (
    one   boolean PRIMARY KEY DEFAULT true CHECK (one),
    token bigint NOT NULL
);
INSERT INTO user_list_token (token) VALUES (0);

CREATE FUNCTION user_list_token_renew() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE user_list_token SET token = floor((random() - 0.5) * 9.2e18)::bigint;
    RETURN NULL;
END $$;
CREATE TRIGGER user_list_token_rows AFTER INSERT OR DELETE OR TRUNCATE ON users
    FOR EACH STATEMENT EXECUTE FUNCTION user_list_token_renew();
CREATE TRIGGER user_list_token_texts
    AFTER UPDATE OF first_name, last_name, email, extension, number ON users
    FOR EACH STATEMENT EXECUTE FUNCTION user_list_token_renew();
