CREATE TABLE accounts (
    id integer PRIMARY KEY,
    email text NOT NULL UNIQUE,
    score integer CHECK (score >= 0) DEFAULT 0
);
