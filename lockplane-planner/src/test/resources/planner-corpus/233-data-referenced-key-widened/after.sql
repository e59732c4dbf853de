CREATE TABLE teams (id bigint PRIMARY KEY, name text NOT NULL);
CREATE TABLE members (id integer PRIMARY KEY, team_id bigint NOT NULL REFERENCES teams (id));
