CREATE TABLE teams (id integer PRIMARY KEY, name text NOT NULL);
CREATE TABLE members (id integer PRIMARY KEY, team_id integer NOT NULL REFERENCES teams (id));
