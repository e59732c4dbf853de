CREATE TYPE e AS ENUM ('a');
CREATE TYPE c AS (v e, n numeric(5,2));
