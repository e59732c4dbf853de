package dev.lockplane.cli;

import dev.lockplane.internal.sql.JdbcUrls;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where a password comes from, first found wins: {@code --password}, {@code --password-file}, the
 * URL ({@code user:pw@} or {@code password=}), {@code LOCKPLANE_PASSWORD}, {@code PGPASSWORD}, then
 * the libpq password file ({@code PGPASSFILE}, else {@code ~/.pgpass}) matched on
 * host:port:database:user with {@code *} wildcards, as psql does.
 */
final class Credentials {
  private Credentials() {}

  static String password(Cli cli, String option, String file, String rawUrl, String jdbcUrl, String user) {
    String pw = option != null ? option : file;
    if (pw == null) {
      pw = JdbcUrls.passwordOf(rawUrl);
    }
    if (pw == null) {
      pw = cli.env("LOCKPLANE_PASSWORD");
    }
    if (pw == null) {
      pw = cli.env("PGPASSWORD");
    }
    if (pw == null) {
      pw = pgpass(cli, jdbcUrl, user != null ? user : System.getProperty("user.name"));
    }
    cli.secret(pw);
    return pw;
  }

  static String pgpass(Cli cli, String jdbcUrl, String user) {
    Path file;
    if (cli.env("PGPASSFILE") != null) {
      file = Path.of(cli.env("PGPASSFILE"));
    } else {
      String home = cli.env("HOME") != null ? cli.env("HOME") : System.getProperty("user.home");
      file = Path.of(home, ".pgpass");
    }
    if (!Files.isRegularFile(file)) {
      return null;
    }
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return null; // libpq, too, goes on without a password it cannot read
    }
    String[] want = {hostOf(jdbcUrl), portOf(jdbcUrl), JdbcUrls.databaseOf(jdbcUrl), user};
    for (String line : lines) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      List<String> f = fields(line);
      if (f.size() == 5 && matches(f, want)) {
        return f.get(4);
      }
    }
    return null;
  }

  private static boolean matches(List<String> fields, String[] want) {
    for (int i = 0; i < 4; i++) {
      String f = fields.get(i);
      if (f.equals("*")) {
        continue;
      }
      // libpq: "localhost" in the file also matches a local connection; we only connect over TCP.
      if (i == 0 && f.equals("localhost") && want[0].equals("127.0.0.1")) {
        continue;
      }
      if (!f.equals(want[i])) {
        return false;
      }
    }
    return true;
  }

  // Fields are separated by ':'; a backslash escapes ':' and '\'.
  private static List<String> fields(String line) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '\\' && i + 1 < line.length()) {
        cur.append(line.charAt(++i));
      } else if (c == ':' && out.size() < 4) {
        out.add(cur.toString());
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    out.add(cur.toString());
    return out;
  }

  static String hostOf(String jdbcUrl) {
    String hp = authority(jdbcUrl);
    if (hp.startsWith("[")) {
      int end = hp.indexOf(']');
      return end < 0 ? hp : hp.substring(1, end);
    }
    int colon = hp.indexOf(':');
    String host = colon < 0 ? hp : hp.substring(0, colon);
    return host.isEmpty() ? "localhost" : host;
  }

  static String portOf(String jdbcUrl) {
    String hp = authority(jdbcUrl);
    int colon = hp.lastIndexOf(':');
    if (colon < 0 || hp.endsWith("]")) {
      return "5432";
    }
    return hp.substring(colon + 1);
  }

  private static String authority(String jdbcUrl) {
    String rest = jdbcUrl.substring(jdbcUrl.indexOf("//") + 2);
    int end = rest.length();
    for (char c : new char[] {'/', '?'}) {
      int i = rest.indexOf(c);
      if (i >= 0 && i < end) {
        end = i;
      }
    }
    String hp = rest.substring(0, end);
    int comma = hp.indexOf(','); // several hosts: the first is the one a password is looked up for
    return comma < 0 ? hp : hp.substring(0, comma);
  }
}
