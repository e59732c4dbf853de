package dev.lockplane.backup;

import dev.lockplane.postgres.LocalPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/** Builds small test databases and fingerprints their content per table. */
final class TestData {
  private TestData() {}

  /** Creates a database with a few tables of deterministic rows. */
  static void createPostgres(LocalPostgres pg, String db, int rows) throws SQLException {
    try (Connection c = pg.connect("postgres"); Statement s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS " + db + " WITH (FORCE)");
      s.execute("CREATE DATABASE " + db);
    }
    try (Connection c = pg.connect(db); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE accounts (id int PRIMARY KEY, name text NOT NULL, balance numeric(12,2))");
      s.execute("INSERT INTO accounts SELECT g, 'user ' || g || ' ''q'', \"x\"', g * 1.5 FROM generate_series(1, " + rows + ") g");
      s.execute("CREATE SCHEMA audit");
      s.execute("CREATE TABLE audit.events (id bigserial PRIMARY KEY, account int REFERENCES accounts, payload jsonb, at timestamptz)");
      s.execute("INSERT INTO audit.events (account, payload, at) SELECT 1 + g % " + rows + ", jsonb_build_object('n', g, 'pad', repeat(md5(g::text), 4)),"
          + " timestamptz '2026-01-01' + g * interval '1 minute' FROM generate_series(1, " + (rows * 3) + ") g");
      s.execute("CREATE TABLE empty_table (a int, b text)");
    }
  }

  /** Returns md5 of each table's rows (sorted by text form), per table. */
  static Map<String, String> fingerprints(Connection c) throws SQLException {
    Map<String, String> out = new TreeMap<>();
    try (Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT n.nspname || '.' || t.relname FROM pg_class t JOIN pg_namespace n ON n.oid = t.relnamespace"
            + " WHERE t.relkind = 'r' AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%'")) {
      while (rs.next()) {
        out.put(rs.getString(1), null);
      }
    }
    for (String t : out.keySet()) {
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT count(*) || ':' || coalesce(md5(string_agg(x::text, '|' ORDER BY x::text)), '') FROM " + t + " x")) {
        rs.next();
        out.put(t, rs.getString(1));
      }
    }
    return out;
  }

  /** Creates an SQLite database with deterministic rows. */
  static void createSqlite(Path file, int rows) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, title TEXT, body TEXT)");
      s.execute("CREATE TABLE tags (note INTEGER, tag TEXT)");
      c.setAutoCommit(false);
      try (var ps = c.prepareStatement("INSERT INTO notes VALUES (?, ?, ?)")) {
        for (int i = 1; i <= rows; i++) {
          ps.setInt(1, i);
          ps.setString(2, "note, \"" + i + "\"");
          ps.setString(3, ("body " + i + " ").repeat(20));
          ps.addBatch();
        }
        ps.executeBatch();
      }
      s.execute("INSERT INTO tags SELECT id, 'tag' || (id % 7) FROM notes");
      c.commit();
    }
  }

  /** Returns each SQLite table's row count and a hash of its rows. */
  static Map<String, String> sqliteFingerprints(Path file) throws SQLException {
    Map<String, String> out = new TreeMap<>();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file)) {
      for (String t : new String[] {"notes", "tags"}) {
        StringBuilder sb = new StringBuilder();
        long n = 0;
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("SELECT * FROM " + t + " ORDER BY 1, 2")) {
          int cols = rs.getMetaData().getColumnCount();
          while (rs.next()) {
            n++;
            for (int i = 1; i <= cols; i++) {
              sb.append(rs.getString(i)).append('\u0001');
            }
            sb.append('\n');
          }
        }
        out.put(t, n + ":" + Integer.toHexString(sb.toString().hashCode()) + ":" + sb.length());
      }
    }
    return out;
  }
}
