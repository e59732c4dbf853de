-- functions that take and return a view's row type, created with the view (their names sort before
-- the view's kind); the rollback drops them before the view
CREATE TABLE accounts (id integer PRIMARY KEY, owner text NOT NULL, closed boolean NOT NULL DEFAULT false);
CREATE VIEW open_accounts AS SELECT id, owner FROM accounts WHERE NOT closed;
CREATE FUNCTION label(open_accounts) RETURNS text LANGUAGE sql STABLE AS $$ SELECT $1.owner || ' #' || $1.id $$;
CREATE FUNCTION open_list() RETURNS SETOF open_accounts LANGUAGE sql STABLE AS $$ SELECT * FROM open_accounts $$;
