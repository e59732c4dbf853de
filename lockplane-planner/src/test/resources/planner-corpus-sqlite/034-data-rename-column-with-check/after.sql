CREATE TABLE accounts (
    id INTEGER PRIMARY KEY,
    -- lockplane: renamed from email
    login TEXT NOT NULL UNIQUE,
    score INTEGER CHECK (score >= 0) DEFAULT 0
);
