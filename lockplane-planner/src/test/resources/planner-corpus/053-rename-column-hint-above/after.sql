CREATE TABLE t (
  id int PRIMARY KEY,
  -- lockplane: renamed from old_name
  new_name text
);
