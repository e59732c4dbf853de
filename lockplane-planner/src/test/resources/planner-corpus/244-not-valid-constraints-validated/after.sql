CREATE TABLE customers (id integer PRIMARY KEY, email text);
CREATE TABLE invoices (id integer PRIMARY KEY, customer_id integer, total numeric,
    CONSTRAINT invoices_total_not_negative CHECK (total >= 0));
ALTER TABLE invoices ADD CONSTRAINT invoices_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id);
COMMENT ON CONSTRAINT invoices_total_not_negative ON invoices IS 'checked for every row';
