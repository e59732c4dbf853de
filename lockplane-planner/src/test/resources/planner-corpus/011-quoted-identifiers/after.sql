CREATE TABLE "User" ("Id" int PRIMARY KEY, "order" text, "select" int);
