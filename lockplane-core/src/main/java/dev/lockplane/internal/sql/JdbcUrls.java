package dev.lockplane.internal.sql;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Database URLs: the database in a JDBC URL, libpq-style {@code postgres://} URLs, and redaction of
 * anything secret before a URL reaches a message or a log.
 */
public final class JdbcUrls {
  // password=… in a JDBC query string or libpq keyword form; ends at & ; whitespace or a quote.
  private static final Pattern PASSWORD_PARAM =
      Pattern.compile("(?i)((?:^|[?&;\\s])(?:password|pass|pwd|sslpassword)\\s*=\\s*)([^&;\\s'\"]*)");
  // user:secret@ in a URL authority.
  private static final Pattern USERINFO = Pattern.compile("(?i)(\\b[a-z][a-z0-9+.-]*://[^/@:\\s]*:)([^@/\\s]*)(@)");

  private JdbcUrls() {}

  /**
   * Returns the URL with the database replaced, keeping host, port and parameters.
   *
   * @param url a {@code jdbc:postgresql://host:port/db?params} URL
   * @param database the new database name
   * @return the new URL
   */
  public static String withDatabase(String url, String database) {
    int q = url.indexOf('?');
    String base = q < 0 ? url : url.substring(0, q);
    String rest = q < 0 ? "" : url.substring(q);
    int hostStart = base.indexOf("//");
    int slash = base.indexOf('/', hostStart < 0 ? 0 : hostStart + 2);
    String prefix = slash < 0 ? base + "/" : base.substring(0, slash + 1);
    return prefix + database + rest;
  }

  /**
   * Returns the database named in a JDBC URL, or {@code postgres} when it names none.
   *
   * @param url a {@code jdbc:postgresql://host:port/db?params} URL
   * @return the database
   */
  public static String databaseOf(String url) {
    int q = url.indexOf('?');
    String base = q < 0 ? url : url.substring(0, q);
    int hostStart = base.indexOf("//");
    int slash = base.indexOf('/', hostStart < 0 ? 0 : hostStart + 2);
    String db = slash < 0 ? "" : base.substring(slash + 1);
    return db.isEmpty() ? "postgres" : db;
  }

  /**
   * Turns a libpq URL ({@code postgres://user:pw@host:port/db?sslmode=require}) into a JDBC URL;
   * any other text is returned unchanged. User and password are not put into the JDBC URL: read
   * them with {@link #userOf} and {@link #passwordOf}.
   *
   * @param url the URL as the user wrote it
   * @return a JDBC URL
   */
  public static String toJdbc(String url) {
    String lower = url.toLowerCase(java.util.Locale.ROOT);
    String rest;
    if (lower.startsWith("postgres://")) {
      rest = url.substring("postgres://".length());
    } else if (lower.startsWith("postgresql://")) {
      rest = url.substring("postgresql://".length());
    } else {
      return url;
    }
    int at = authorityEnd(rest);
    String authority = rest.substring(0, at);
    String tail = rest.substring(at);
    int userEnd = authority.lastIndexOf('@');
    String hostPort = userEnd < 0 ? authority : authority.substring(userEnd + 1);
    String query = "";
    int q = tail.indexOf('?');
    if (q >= 0) {
      query = tail.substring(q);
      tail = tail.substring(0, q);
    }
    query = PASSWORD_PARAM.matcher(query).replaceAll("");
    query = query.replaceAll("(?i)(^|[?&])user=[^&]*", "$1").replaceAll("&&+", "&").replaceAll("\\?&", "?");
    if (query.equals("?") || query.equals("&")) {
      query = "";
    }
    return "jdbc:postgresql://" + (hostPort.isEmpty() ? "localhost" : hostPort) + (tail.isEmpty() ? "/" : tail) + query;
  }

  /**
   * The user named in a libpq URL ({@code postgres://user@host/db} or {@code ?user=}), or null.
   *
   * @param url the URL as the user wrote it
   * @return the user, decoded, or null
   */
  public static String userOf(String url) {
    String info = userInfo(url);
    if (info != null) {
      int colon = info.indexOf(':');
      return decode(colon < 0 ? info : info.substring(0, colon));
    }
    return param(url, "user");
  }

  /**
   * The password embedded in a URL ({@code user:pw@} or {@code password=}), or null.
   *
   * @param url the URL as the user wrote it
   * @return the password, decoded, or null
   */
  public static String passwordOf(String url) {
    String info = userInfo(url);
    if (info != null && info.indexOf(':') >= 0) {
      return decode(info.substring(info.indexOf(':') + 1));
    }
    return param(url, "password");
  }

  /**
   * Removes every secret from text that may contain URLs: {@code password=…} parameters and
   * {@code user:password@} credentials become {@code ***}. Safe on any text, including whole
   * exception messages.
   *
   * @param text the text, or null
   * @return the text with secrets replaced
   */
  public static String redact(String text) {
    if (text == null) {
      return null;
    }
    String out = PASSWORD_PARAM.matcher(text).replaceAll("$1***");
    return USERINFO.matcher(out).replaceAll("$1***$3");
  }

  private static int authorityEnd(String rest) {
    for (int i = 0; i < rest.length(); i++) {
      char c = rest.charAt(i);
      if (c == '/' || c == '?') {
        return i;
      }
    }
    return rest.length();
  }

  private static String userInfo(String url) {
    String lower = url.toLowerCase(java.util.Locale.ROOT);
    int scheme = lower.indexOf("://");
    if (scheme < 0 || lower.startsWith("jdbc:")) {
      return null;
    }
    String rest = url.substring(scheme + 3);
    String authority = rest.substring(0, authorityEnd(rest));
    int at = authority.lastIndexOf('@');
    return at < 0 ? null : authority.substring(0, at);
  }

  /**
   * A query parameter of a URL ({@code ?sslmode=require}), decoded; the name is matched ignoring case.
   *
   * @param url the URL as the user wrote it
   * @param name the parameter's name
   * @return the value, or null when the URL has no such parameter
   */
  public static String param(String url, String name) {
    int q = url.indexOf('?');
    if (q < 0) {
      return null;
    }
    Matcher m = Pattern.compile("(?i)(?:^|&)" + Pattern.quote(name) + "=([^&]*)").matcher(url.substring(q + 1));
    return m.find() ? decode(m.group(1)) : null;
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }
}
