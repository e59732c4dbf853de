-- a sequence, for the tests of recycled clones (and a golden of their own)
CREATE SEQUENCE tickets START 100;
