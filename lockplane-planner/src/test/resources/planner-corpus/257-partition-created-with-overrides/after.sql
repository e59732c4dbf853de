-- new partitions with their own defaults and NOT NULLs, one without the parent's default, one
-- attached with a default of its own, a sub-partitioned one whose partition rejects NULL
CREATE TABLE m (k int NOT NULL, qty int DEFAULT 1, note text) PARTITION BY LIST (k);
CREATE TABLE m1 PARTITION OF m FOR VALUES IN (1);
CREATE TABLE m2 PARTITION OF m FOR VALUES IN (2);
CREATE TABLE m3 PARTITION OF m FOR VALUES IN (3);
CREATE TABLE m4 PARTITION OF m (qty DEFAULT 9, note NOT NULL) FOR VALUES IN (4);
CREATE TABLE m5 PARTITION OF m (qty DEFAULT NULL) FOR VALUES IN (5);
CREATE TABLE m6 (k int NOT NULL, qty int DEFAULT 1, note text DEFAULT 'six');
ALTER TABLE m ATTACH PARTITION m6 FOR VALUES IN (6);
CREATE TABLE m7 PARTITION OF m (qty DEFAULT 70) FOR VALUES IN (7) PARTITION BY LIST (k);
CREATE TABLE m7a PARTITION OF m7 (note NOT NULL) FOR VALUES IN (7);
