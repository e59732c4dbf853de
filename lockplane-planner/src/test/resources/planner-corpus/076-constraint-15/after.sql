CREATE TABLE t (r tsrange, CONSTRAINT no_overlap EXCLUDE USING gist (r WITH &&));
