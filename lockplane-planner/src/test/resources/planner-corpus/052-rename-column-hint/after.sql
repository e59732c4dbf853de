CREATE TABLE t (
  id int PRIMARY KEY,
  new_name text -- lockplane: renamed from old_name
);
