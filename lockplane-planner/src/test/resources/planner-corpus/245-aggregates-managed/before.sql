CREATE SCHEMA stats;
CREATE FUNCTION stats.add_int(state bigint, v integer) RETURNS bigint LANGUAGE sql IMMUTABLE AS 'SELECT state + coalesce(v, 0)';
CREATE FUNCTION stats.inc(state bigint) RETURNS bigint LANGUAGE sql IMMUTABLE AS 'SELECT state + 1';
CREATE AGGREGATE stats.total(integer) (SFUNC = stats.add_int, STYPE = bigint, INITCOND = '0');
CREATE AGGREGATE stats.counter(*) (SFUNC = stats.inc, STYPE = bigint, INITCOND = '0');
CREATE AGGREGATE stats.old_total(integer) (SFUNC = stats.add_int, STYPE = bigint, INITCOND = '0');
COMMENT ON AGGREGATE stats.counter(*) IS 'rows seen';
CREATE TABLE stats.readings (id integer PRIMARY KEY, v integer);
