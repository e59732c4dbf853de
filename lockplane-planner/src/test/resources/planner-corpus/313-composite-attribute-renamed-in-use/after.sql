CREATE TYPE amount AS (
  value bigint,
  currency varchar(3) -- lockplane: renamed from cur
);
CREATE TABLE invoice (id integer PRIMARY KEY, total amount, history amount[]);
CREATE VIEW invoice_currency AS SELECT id, (total).currency AS currency FROM invoice;
