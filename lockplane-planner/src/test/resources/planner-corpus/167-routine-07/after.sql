CREATE FUNCTION f(a int DEFAULT 1, OUT b int, OUT c text) LANGUAGE sql AS $$ SELECT a, 'x' $$;
