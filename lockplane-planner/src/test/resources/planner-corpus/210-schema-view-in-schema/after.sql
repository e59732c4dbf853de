CREATE SCHEMA app;
CREATE TABLE app.t (id int);
CREATE VIEW app.v AS SELECT id FROM app.t;
