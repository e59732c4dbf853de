/* block ; comment /* nested ; */ */
CREATE TABLE t (a text DEFAULT 'semi;colon', "we;ird" int); -- trailing ; comment
CREATE FUNCTION f() RETURNS text LANGUAGE sql AS $body$ SELECT 'x;y' $body$;
COMMENT ON TABLE t IS E'it\'s; here';
