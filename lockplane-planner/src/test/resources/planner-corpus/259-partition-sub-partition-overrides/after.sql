-- a sub-partitioned partition changes its default: m2a follows it, m2b keeps its own and
-- rejects NULL; the parent's default changes too
CREATE TABLE m (k int NOT NULL, qty int DEFAULT 4, note text) PARTITION BY LIST (k);
CREATE TABLE m1 PARTITION OF m FOR VALUES IN (1);
CREATE TABLE m2 PARTITION OF m (qty DEFAULT 8) FOR VALUES IN (2, 3) PARTITION BY LIST (k);
CREATE TABLE m2a PARTITION OF m2 FOR VALUES IN (2);
CREATE TABLE m2b PARTITION OF m2 (qty DEFAULT 6, note NOT NULL) FOR VALUES IN (3);
