CREATE SCHEMA app;
CREATE TABLE app.p (id int PRIMARY KEY);
CREATE TABLE t (p_id int REFERENCES app.p(id));
