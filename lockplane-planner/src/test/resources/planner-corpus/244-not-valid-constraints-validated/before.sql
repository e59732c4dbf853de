CREATE TABLE customers (id integer PRIMARY KEY, email text);
CREATE TABLE invoices (id integer PRIMARY KEY, customer_id integer, total numeric);
ALTER TABLE invoices ADD CONSTRAINT invoices_customer_fk FOREIGN KEY (customer_id) REFERENCES customers (id) NOT VALID;
ALTER TABLE invoices ADD CONSTRAINT invoices_total_not_negative CHECK (total >= 0) NOT VALID;
COMMENT ON CONSTRAINT invoices_total_not_negative ON invoices IS 'added in a hurry';
