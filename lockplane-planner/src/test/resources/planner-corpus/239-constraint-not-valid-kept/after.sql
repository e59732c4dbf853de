CREATE TABLE accounts (id integer PRIMARY KEY);
CREATE TABLE payments (id integer PRIMARY KEY, account_id integer, amount numeric, note text);
ALTER TABLE payments ADD CONSTRAINT payments_account_fk FOREIGN KEY (account_id) REFERENCES accounts (id) NOT VALID;
ALTER TABLE payments ADD CONSTRAINT payments_amount_positive CHECK (amount > 0) NOT VALID;
ALTER TABLE payments ADD CONSTRAINT payments_note_short CHECK (length(note) < 100) NOT VALID;
