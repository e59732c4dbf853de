-- The ~170 MB golden of the testkit benchmarks: a large table nobody writes to, and a small one
-- (with a sequence) that every test writes to.
CREATE TABLE events (id bigint PRIMARY KEY, kind int NOT NULL, payload text NOT NULL);
INSERT INTO events SELECT g, g % 17, md5(g::text) || repeat('x', 150) FROM generate_series(1, 600000) g;
CREATE TABLE accounts (id bigserial PRIMARY KEY, owner text NOT NULL, balance int NOT NULL);
INSERT INTO accounts (owner, balance) SELECT 'owner ' || g, 100 FROM generate_series(1, 1000) g;
VACUUM ANALYZE;
