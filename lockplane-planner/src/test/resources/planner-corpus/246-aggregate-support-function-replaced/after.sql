-- the state function's result type changes: the aggregate is dropped first and re-created after it
CREATE FUNCTION acc_text(state varchar, v text) RETURNS varchar LANGUAGE sql IMMUTABLE AS 'SELECT (state || v)::varchar';
CREATE AGGREGATE concat_all(text) (SFUNC = acc_text, STYPE = varchar, INITCOND = '');
