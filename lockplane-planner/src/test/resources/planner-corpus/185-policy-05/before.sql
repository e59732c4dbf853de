CREATE TABLE t (id int, owner text);
CREATE POLICY own ON t USING (owner = current_user);
