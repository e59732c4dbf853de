CREATE TYPE status AS ENUM ('draft', 'published');
CREATE TABLE users (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, email text NOT NULL UNIQUE, name text);
CREATE TABLE posts (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, user_id bigint NOT NULL REFERENCES users(id) ON DELETE CASCADE, body text NOT NULL DEFAULT '', status status NOT NULL DEFAULT 'draft');
CREATE INDEX posts_user ON posts (user_id, status);
CREATE VIEW published AS SELECT p.id, u.email FROM posts p JOIN users u ON u.id = p.user_id WHERE p.status = 'published';
