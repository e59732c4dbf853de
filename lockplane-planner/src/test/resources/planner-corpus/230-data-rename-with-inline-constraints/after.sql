CREATE TABLE accounts (
    id integer PRIMARY KEY,
    -- lockplane: renamed from email
    login text NOT NULL UNIQUE,
    points integer CHECK (points >= 0) DEFAULT 0 -- lockplane: renamed from score
);
