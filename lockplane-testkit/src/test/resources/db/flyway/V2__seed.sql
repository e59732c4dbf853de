INSERT INTO accounts SELECT g, '${owner} ' || g, 100 FROM generate_series(1, 10) g;
