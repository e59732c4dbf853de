CREATE FUNCTION f(t text) RETURNS text LANGUAGE plpgsql STRICT AS $$
DECLARE r text := ';';
BEGIN
  RETURN t || r; -- a semicolon in a comment;
END
$$;
