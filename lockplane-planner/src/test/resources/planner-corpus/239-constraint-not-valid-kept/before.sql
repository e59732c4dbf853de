CREATE TABLE accounts (id integer PRIMARY KEY);
CREATE TABLE payments (id integer PRIMARY KEY, account_id integer, amount numeric,
    CONSTRAINT payments_amount_positive CHECK (amount > 0));
ALTER TABLE payments ADD CONSTRAINT payments_account_fk FOREIGN KEY (account_id) REFERENCES accounts (id) NOT VALID;
