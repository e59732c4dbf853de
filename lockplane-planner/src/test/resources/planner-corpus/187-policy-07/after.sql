CREATE TABLE t (id int, owner text);
CREATE POLICY own ON t USING (owner = session_user) WITH CHECK (id > 0);
