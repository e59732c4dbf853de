-- one partition gets a default of its own, another a default where the parent has none
CREATE TABLE m (k int NOT NULL, qty int DEFAULT 1, note text) PARTITION BY LIST (k);
CREATE TABLE m1 PARTITION OF m FOR VALUES IN (1);
ALTER TABLE m1 ALTER COLUMN qty SET DEFAULT 5;
CREATE TABLE m2 PARTITION OF m FOR VALUES IN (2);
ALTER TABLE m2 ALTER COLUMN note SET DEFAULT 'none';
CREATE TABLE m3 PARTITION OF m FOR VALUES IN (3);
