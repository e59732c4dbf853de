SET lock_timeout = '1s';
ALTER TABLE orders ALTER COLUMN amount TYPE bigint;
