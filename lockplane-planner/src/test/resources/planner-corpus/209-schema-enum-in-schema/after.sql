CREATE SCHEMA app;
CREATE TYPE app.e AS ENUM ('a');
CREATE TABLE app.t (v app.e);
