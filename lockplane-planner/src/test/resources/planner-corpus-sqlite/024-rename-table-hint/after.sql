CREATE TABLE t2 -- lockplane: renamed from t
(id INTEGER PRIMARY KEY, a TEXT, b INTEGER);
