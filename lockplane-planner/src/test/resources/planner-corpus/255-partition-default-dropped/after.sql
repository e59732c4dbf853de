-- m1 goes back to the parent's default; m2 drops the default it took from the parent
CREATE TABLE m (k int NOT NULL, qty int DEFAULT 1, note text) PARTITION BY LIST (k);
CREATE TABLE m1 PARTITION OF m FOR VALUES IN (1);
CREATE TABLE m2 PARTITION OF m FOR VALUES IN (2);
ALTER TABLE m2 ALTER COLUMN qty DROP DEFAULT;
CREATE TABLE m3 PARTITION OF m FOR VALUES IN (3);
