CREATE TABLE pairs (a integer, b integer);
CREATE UNIQUE INDEX pairs_ab ON pairs (a, b) NULLS NOT DISTINCT;
CREATE UNIQUE INDEX pairs_b ON pairs (b) NULLS NOT DISTINCT WHERE a > 0;
