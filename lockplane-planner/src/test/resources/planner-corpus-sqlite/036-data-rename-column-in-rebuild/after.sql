CREATE TABLE notes (
    id INTEGER PRIMARY KEY,
    text TEXT NOT NULL DEFAULT '', -- lockplane: renamed from body
    created TEXT
);
