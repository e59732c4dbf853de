CREATE TABLE t (r tsrange);
