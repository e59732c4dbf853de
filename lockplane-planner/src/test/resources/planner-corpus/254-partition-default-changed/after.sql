-- partitions' own defaults changed (the column-options form of PARTITION OF)
CREATE TABLE m (k int NOT NULL, qty int DEFAULT 1, note text) PARTITION BY LIST (k);
CREATE TABLE m1 PARTITION OF m (qty DEFAULT 7) FOR VALUES IN (1);
CREATE TABLE m2 PARTITION OF m (note DEFAULT 'b' || 'c') FOR VALUES IN (2);
CREATE TABLE m3 PARTITION OF m FOR VALUES IN (3);
