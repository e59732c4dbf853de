--liquibase formatted sql

--changeset lockplane:1
CREATE TABLE accounts (id int PRIMARY KEY, owner text NOT NULL);

--changeset lockplane:2
INSERT INTO accounts SELECT g, 'owner ' || g FROM generate_series(1, 9) g;
