CREATE TABLE t (id int, owner text);
CREATE POLICY own ON t FOR SELECT USING (owner = current_user);
