CREATE TABLE pairs (a integer, b integer);
CREATE UNIQUE INDEX pairs_ab ON pairs (a, b);
