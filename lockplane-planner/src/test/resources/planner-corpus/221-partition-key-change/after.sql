CREATE TABLE m (id int, at date) PARTITION BY RANGE (id);
