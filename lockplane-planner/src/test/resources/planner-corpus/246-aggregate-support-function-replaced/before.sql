CREATE FUNCTION acc_text(state text, v text) RETURNS text LANGUAGE sql IMMUTABLE AS 'SELECT state || v';
CREATE AGGREGATE concat_all(text) (SFUNC = acc_text, STYPE = text, INITCOND = '');
