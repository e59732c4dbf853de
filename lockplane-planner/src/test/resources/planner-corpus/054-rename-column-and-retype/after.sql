CREATE TABLE t (
  id int PRIMARY KEY,
  b bigint -- lockplane: renamed from a
);
