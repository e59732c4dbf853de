-- the parent's default changes (it recurses into every partition) while m1 and m3 keep their own;
-- the parent stops rejecting NULL while m1 goes on rejecting it
CREATE TABLE m (k int NOT NULL, qty int DEFAULT 2, note text) PARTITION BY LIST (k);
CREATE TABLE m1 PARTITION OF m (qty DEFAULT 5, note NOT NULL) FOR VALUES IN (1);
CREATE TABLE m2 PARTITION OF m FOR VALUES IN (2);
CREATE TABLE m3 PARTITION OF m (qty DEFAULT NULL) FOR VALUES IN (3);
