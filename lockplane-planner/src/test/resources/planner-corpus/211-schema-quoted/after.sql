CREATE SCHEMA "My App";
CREATE TABLE "My App"."T" (id int);
