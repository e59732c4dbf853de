CREATE TABLE accounts (id bigint PRIMARY KEY, owner text NOT NULL);
INSERT INTO accounts VALUES (1, '${owner}');
