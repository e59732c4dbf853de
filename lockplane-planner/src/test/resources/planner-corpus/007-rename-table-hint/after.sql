CREATE TABLE new_t -- lockplane: renamed from old_t
(id int PRIMARY KEY, v text);
