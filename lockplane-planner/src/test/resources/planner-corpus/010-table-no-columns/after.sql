CREATE TABLE empty_t ();
