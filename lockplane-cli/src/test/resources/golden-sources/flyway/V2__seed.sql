INSERT INTO accounts SELECT g, 'owner ' || g FROM generate_series(1, 12) g;
