-- the function a domain's CHECK calls changes its body: replaced in place, the domain and its column stay
CREATE FUNCTION is_small(integer) RETURNS boolean LANGUAGE sql IMMUTABLE AS 'SELECT $1 < 100000';
CREATE DOMAIN small_int AS integer CONSTRAINT small_int_small CHECK (is_small(VALUE));
CREATE TABLE counters (id integer PRIMARY KEY, hits small_int);
