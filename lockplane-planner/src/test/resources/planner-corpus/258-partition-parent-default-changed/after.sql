-- the parent's default changes (it recurses into every partition) while m1 and m3 keep their own;
-- the parent stops rejecting NULL while m1 goes on rejecting it; m4 was made with a NOT NULL of
-- its own, which PostgreSQL 18 keeps when the parent drops its own (older versions drop it)
CREATE TABLE m (k int NOT NULL, qty int DEFAULT 2, note text) PARTITION BY LIST (k);
CREATE TABLE m1 PARTITION OF m (qty DEFAULT 5, note NOT NULL) FOR VALUES IN (1);
CREATE TABLE m2 PARTITION OF m FOR VALUES IN (2);
CREATE TABLE m3 PARTITION OF m (qty DEFAULT NULL) FOR VALUES IN (3);
CREATE TABLE m4 PARTITION OF m FOR VALUES IN (4);
