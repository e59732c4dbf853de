CREATE TABLE t (
  id INTEGER PRIMARY KEY,
  a2 TEXT, -- lockplane: renamed from a
  b INTEGER
);
