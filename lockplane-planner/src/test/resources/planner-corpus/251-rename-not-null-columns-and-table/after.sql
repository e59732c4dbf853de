-- renamed NOT NULL columns and table: on PostgreSQL 18 their constraints take the names a fresh
-- table would give them, elsewhere nothing more happens
CREATE TABLE persons ( -- lockplane: renamed from people
  id integer PRIMARY KEY,
  full_name text NOT NULL, -- lockplane: renamed from old_name
  born date NOT NULL
);
