CREATE TYPE c AS (x int, y text, z date);
