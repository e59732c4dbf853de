CREATE SCHEMA stats;
CREATE FUNCTION stats.add_int(state bigint, v integer) RETURNS bigint LANGUAGE sql IMMUTABLE AS 'SELECT state + coalesce(v, 0)';
CREATE FUNCTION stats.inc(state bigint) RETURNS bigint LANGUAGE sql IMMUTABLE AS 'SELECT state + 1';
CREATE FUNCTION stats.sub_int(state bigint, v integer) RETURNS bigint LANGUAGE sql IMMUTABLE AS 'SELECT state - coalesce(v, 0)';
CREATE FUNCTION stats.half(state bigint) RETURNS numeric LANGUAGE sql IMMUTABLE AS 'SELECT state / 2.0';
-- initial value changed: replaced in place
CREATE AGGREGATE stats.total(integer) (SFUNC = stats.add_int, STYPE = bigint, INITCOND = '100',
    MSFUNC = stats.add_int, MINVFUNC = stats.sub_int, MSTYPE = bigint, MINITCOND = '100', PARALLEL = SAFE);
CREATE AGGREGATE stats.counter(*) (SFUNC = stats.inc, STYPE = bigint, INITCOND = '0');
COMMENT ON AGGREGATE stats.counter(*) IS 'rows counted';
-- a new aggregate with a final function
CREATE AGGREGATE stats.half_total(integer) (SFUNC = stats.add_int, STYPE = bigint, FINALFUNC = stats.half, INITCOND = '0');
-- an ordered-set aggregate
CREATE FUNCTION stats.first_state(state bigint, v integer) RETURNS bigint LANGUAGE sql IMMUTABLE
    AS 'SELECT coalesce(state, v::bigint)';
CREATE FUNCTION stats.plus_direct(state bigint, d integer, v integer) RETURNS bigint LANGUAGE sql IMMUTABLE
    AS 'SELECT state + d';
CREATE AGGREGATE stats.first_plus(integer ORDER BY integer) (SFUNC = stats.first_state, STYPE = bigint,
    FINALFUNC = stats.plus_direct, FINALFUNC_EXTRA);
CREATE TABLE stats.readings (id integer PRIMARY KEY, v integer);
