-- requires PostgreSQL 18
-- a named NOT NULL renamed, a default-named one given a name, a new column with a named NOT NULL
CREATE TABLE accounts (
  id integer PRIMARY KEY,
  email text CONSTRAINT email_present NOT NULL,
  name text CONSTRAINT name_present NOT NULL,
  note text,
  code text CONSTRAINT code_present NOT NULL DEFAULT 'x'
);
CREATE TABLE audit (at timestamptz CONSTRAINT audit_at_present NOT NULL, what text NOT NULL);
