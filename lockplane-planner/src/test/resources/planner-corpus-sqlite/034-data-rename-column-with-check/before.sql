CREATE TABLE accounts (
    id INTEGER PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    score INTEGER CHECK (score >= 0) DEFAULT 0
);
