package dev.lockplane.clones;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.clone.Clone;
import dev.lockplane.clone.CloneManager;
import dev.lockplane.clone.Golden;
import dev.lockplane.golden.FakeKind;
import dev.lockplane.golden.MaskRule;
import dev.lockplane.golden.Masking;
import dev.lockplane.golden.MaskingKey;
import dev.lockplane.golden.MaskingReport;
import dev.lockplane.postgres.LocalPostgres;
import dev.lockplane.testing.SharedPostgres;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Masked database-level goldens on a real server: every masking function, the rules checked
 * against the schema, strict mode, and no original value left in the golden's or a clone's files.
 */
class MaskedGoldenTest {
  /** Every original value of a masked text column contains this, so the files can be searched for it. */
  static final String CANARY = "QZXCANARY";
  static final String KEY = "k3y-" + UUID.randomUUID();

  static String source;
  @TempDir static Path dir;
  static Path keyFile;

  @BeforeAll
  static void createSource() throws Exception {
    source = "masksrc_" + UUID.randomUUID().toString().substring(0, 8);
    keyFile = dir.resolve("mask.key");
    Files.writeString(keyFile, KEY + "\n");
    try (Connection c = SharedPostgres.get().connect("postgres"); Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + source);
    }
    try (Connection c = SharedPostgres.get().connect(source); Statement s = c.createStatement()) {
      s.execute(SCHEMA);
      s.execute("ANALYZE");
    }
  }

  @AfterAll
  static void dropSource() throws SQLException {
    try (Connection c = SharedPostgres.get().connect("postgres"); Statement s = c.createStatement()) {
      s.execute("DROP DATABASE IF EXISTS " + source + " WITH (FORCE)");
    }
  }

  static final String SCHEMA = """
      CREATE TABLE customers (
        id int PRIMARY KEY, ref int NOT NULL UNIQUE, account text UNIQUE NOT NULL, email text UNIQUE NOT NULL,
        full_name varchar(60), first_name text, last_name text, phone varchar(40), street text, city text,
        postcode text, iban text, card text UNIQUE, ip inet, born date, born_at timestamptz, ssn text,
        note text, secret_note text, tier text, nickname text, country text);
      CREATE INDEX ON customers (full_name);
      CREATE STATISTICS customers_city_name (mcv) ON city, full_name FROM customers;
      CREATE TABLE orders (
        id bigint PRIMARY KEY, customer_id int NOT NULL REFERENCES customers, account text REFERENCES customers (account),
        card_last text, amount numeric);
      INSERT INTO customers SELECT g, g, 'ACC-QZXCANARY-' || g, 'person' || g || '.QZXCANARY@corp.example',
        'QZXCANARY Name ' || g, 'QZXCANARYfirst' || g, 'QZXCANARYlast' || g, '+33 QZXCANARY ' || g,
        g || ' QZXCANARY Street', 'QZXCANARYcity' || (g % 7), 'QZX' || g || 'CANARY',
        'FR76QZXCANARY' || g, '4111QZXCANARY' || g, ('192.168.' || (g % 250) || '.' || (g % 200))::inet,
        date '1980-01-01' + g, timestamptz '1990-06-01 12:00+00' + g * interval '1 day', 'ssn-' || g,
        'note QZXCANARY ' || g, 'private QZXCANARY ' || g, 'tier' || (g % 3), 'nick' || g, 'FR'
        FROM generate_series(1, 300) g;
      INSERT INTO orders SELECT g, 1 + g % 300, 'ACC-QZXCANARY-' || (1 + g % 300), 'card 4111 QZXCANARY ' || (1000 + g), g
        FROM generate_series(1, 900) g;
      CREATE MATERIALIZED VIEW customer_emails AS SELECT email FROM customers;
      CREATE TABLE visits (id int, region text NOT NULL, referrer text) PARTITION BY LIST (region);
      CREATE TABLE visits_eu PARTITION OF visits FOR VALUES IN ('eu');
      CREATE TABLE visits_us PARTITION OF visits FOR VALUES IN ('us');
      INSERT INTO visits SELECT g, CASE WHEN g % 2 = 0 THEN 'eu' ELSE 'us' END, 'ref QZXCANARY ' || g
        FROM generate_series(1, 40) g;
      """;

  static Masking.Builder rules() {
    return Masking.builder().key(MaskingKey.file(keyFile))
        .rule("customers", "id", MaskRule.hash())
        .rule("customers", "account", MaskRule.hash())
        .rule("customers", "email", MaskRule.fake(FakeKind.EMAIL))
        .rule("customers", "full_name", MaskRule.fake(FakeKind.FULL_NAME))
        .rule("customers", "first_name", MaskRule.fake(FakeKind.FIRST_NAME))
        .rule("customers", "last_name", MaskRule.fake(FakeKind.LAST_NAME))
        .rule("customers", "phone", MaskRule.fake(FakeKind.PHONE))
        .rule("customers", "street", MaskRule.fake(FakeKind.STREET_ADDRESS))
        .rule("customers", "city", MaskRule.fake(FakeKind.CITY))
        .rule("customers", "postcode", MaskRule.fake(FakeKind.POSTCODE))
        .rule("customers", "iban", MaskRule.fake(FakeKind.IBAN))
        .rule("customers", "card", MaskRule.fake(FakeKind.CREDIT_CARD))
        .rule("customers", "ip", MaskRule.fake(FakeKind.IP_ADDRESS))
        .rule("customers", "born", MaskRule.dateOfBirth(30))
        .rule("customers", "born_at", MaskRule.fake(FakeKind.DATE_OF_BIRTH))
        .rule("customers", "note", MaskRule.sql("'note of ' || ref"))
        .rule("customers", "secret_note", MaskRule.setNull())
        .rule("customers", "tier", MaskRule.shuffle())
        .rule("customers", "country", MaskRule.constant("XX"))
        .rule("customers", "nickname", MaskRule.keep())
        .rule("orders", "customer_id", MaskRule.hash())
        .rule("orders", "account", MaskRule.hash())
        .rule("orders", "card_last", MaskRule.partial(4))
        .rule("visits", "referrer", MaskRule.fake(FakeKind.CITY))
        .rule("visits", "id", MaskRule.shuffle());
  }

  static String prefix() {
    return "m" + UUID.randomUUID().toString().replace("-", "").substring(0, 8) + "_";
  }

  @Test
  void maskedGoldenKeepsShapeAndLeavesNoOriginalValueInItsFiles() throws Exception {
    LocalPostgres pg = SharedPostgres.get();
    Masking masking = rules().seed(11).build();
    assertThat(masking.describe()).doesNotContain(KEY);
    try (CloneManager m = CloneManagers.databases(pg).databasePrefix(prefix())
        .golden(Golden.fromDatabase(source).masked(masking)).start()) {
      Clone clone = m.create("reader");
      MaskingReport report = CloneManagers.maskingReport(m).orElseThrow();
      assertThat(report.rows()).containsEntry("public.customers", 300L).containsEntry("public.orders", 900L)
          .containsEntry("public.visits", 40L);
      assertThat(report.rules()).containsEntry("public.customers.email", "fake(email)")
          .containsEntry("public.customers.nickname", "keep").hasSize(25);
      assertThat(report.unmasked()).contains("public.customers.ssn").doesNotContain("public.customers.nickname");
      assertThat(report.render()).contains("public.orders: 900 rows").doesNotContain(KEY);
      assertThat(comment(pg, m.golden().name())).contains("\"masking\"").doesNotContain(KEY);
      Map<Integer, Map<String, String>> masked = rows(clone, "SELECT ref, * FROM customers");
      Map<Integer, Map<String, String>> original = rows(pg, source, "SELECT ref, * FROM customers");
      assertThat(masked).hasSize(300);
      for (var e : masked.entrySet()) {
        Map<String, String> row = e.getValue();
        Map<String, String> was = original.get(e.getKey());
        assertThat(row.get("email")).matches("[a-z]+\\.[a-z]+\\.[0-9a-f]{16}@example\\.com");
        assertThat(row.get("full_name")).matches("[A-Z][a-z]+ [A-Z][a-z]+");
        assertThat(row.get("first_name")).matches("[A-Z][a-z]+");
        assertThat(row.get("phone")).matches("\\+1-555-\\d{3}-\\d{4}");
        assertThat(row.get("street")).matches("\\d{1,3} [A-Z][a-z]+ [A-Z][a-z]+");
        assertThat(row.get("postcode")).matches("\\d{5}");
        assertThat(row.get("iban")).matches("DE\\d{20}");
        assertThat(ibanValid(row.get("iban"))).isTrue();
        assertThat(row.get("card")).matches("4\\d{18}"); // unique column: 19 digits
        assertThat(luhn(row.get("card"))).as(row.get("card")).isTrue();
        assertThat(row.get("ip")).startsWith("10.");
        long shift = java.time.temporal.ChronoUnit.DAYS.between(
            java.time.LocalDate.parse(was.get("born")), java.time.LocalDate.parse(row.get("born")));
        assertThat(shift).isBetween(-30L, 30L);
        assertThat(row.get("note")).isEqualTo("note of " + e.getKey());
        assertThat(row.get("secret_note")).isNull();
        assertThat(row.get("country")).isEqualTo("XX");
        assertThat(row.get("nickname")).isEqualTo(was.get("nickname"));
        assertThat(row.get("ssn")).isEqualTo(was.get("ssn")); // no rule: kept, and reported
        assertThat(row.get("id")).isNotEqualTo(was.get("id"));
        assertThat(row.get("account")).matches("[0-9a-f]{32}");
      }
      // shuffle keeps the multiset of values
      assertThat(masked.values().stream().map(r -> r.get("tier")).sorted().toList())
          .isEqualTo(original.values().stream().map(r -> r.get("tier")).sorted().toList());
      try (Connection c = clone.dataSource().getConnection(); Statement s = c.createStatement()) {
        // joins on hashed keys (an integer and a text key) still match, every order to its customer
        assertThat(count(s, "SELECT count(*) FROM orders o JOIN customers c ON c.id = o.customer_id AND c.account = o.account"))
            .isEqualTo(900);
        assertThat(count(s, "SELECT count(DISTINCT email) + count(DISTINCT card) + count(DISTINCT id) FROM customers"))
            .isEqualTo(900);
        assertThat(count(s, "SELECT count(*) FROM orders WHERE card_last ~ '^\\*+[0-9]{4}$'")).isEqualTo(900);
        // the constraints still hold when checked again
        s.execute("ALTER TABLE orders DROP CONSTRAINT orders_customer_id_fkey,"
            + " ADD FOREIGN KEY (customer_id) REFERENCES customers");
        assertThat(count(s, "SELECT count(*) FROM customer_emails WHERE email LIKE '%@example.com'")).isEqualTo(300);
        // a shuffle across the partitions of a partitioned table keeps every value once
        assertThat(count(s, "SELECT count(DISTINCT id) FILTER (WHERE id BETWEEN 1 AND 40) + count(*) FROM visits"))
            .isEqualTo(80);
        assertThat(count(s, "SELECT count(*) FROM visits WHERE referrer !~ '^[A-Z][a-z]+$'")).isZero();
        assertThat(count(s, "SELECT count(*) FROM pg_stats WHERE tablename = 'customers'")).isPositive();
      }
      // the byte search finds the canary in the source's files, and nowhere in the golden's or the clone's
      assertThat(filesContaining(pg, source)).isNotEmpty();
      assertThat(filesContaining(pg, m.golden().name())).isEmpty();
      assertThat(filesContaining(pg, databaseOf(clone))).isEmpty();

      // the same key and seed give the same values on a rebuild; another seed other fakes, the same hashes
      try (CloneManager again = CloneManagers.databases(pg).databasePrefix(prefix())
          .golden(Golden.fromDatabase(source).masked(rules().seed(11).build())).start();
          CloneManager reseeded = CloneManagers.databases(pg).databasePrefix(prefix())
              .golden(Golden.fromDatabase(source).masked(rules().seed(12).build())).start()) {
        Map<Integer, Map<String, String>> same = rows(again.create("r2"), "SELECT ref, * FROM customers");
        Map<Integer, Map<String, String>> other = rows(reseeded.create("r3"), "SELECT ref, * FROM customers");
        for (int ref : List.of(1, 150, 300)) {
          assertThat(same.get(ref)).isEqualTo(masked.get(ref));
          assertThat(other.get(ref).get("email")).isNotEqualTo(masked.get(ref).get("email"));
        }
      }
    }
  }

  @Test
  void strictModeRefusesWhileAPersonalLookingColumnHasNoRule() throws Exception {
    String prefix = prefix();
    assertThatThrownBy(() -> CloneManagers.databases(SharedPostgres.get()).databasePrefix(prefix)
        .golden(Golden.fromDatabase(source).masked(rules().strict(true).build())).start())
        .isInstanceOf(LockplaneException.class)
        .satisfies(e -> assertThat(((LockplaneException) e).code()).isEqualTo(ErrorCode.INVALID_CONFIGURATION))
        .hasMessageContaining("public.customers.ssn")
        .hasMessageNotContaining("public.customers.nickname")
        .hasMessageNotContaining(KEY);
    assertThat(databasesStartingWith(prefix)).isEmpty();
  }

  @Test
  void rulesThatDoNotFitTheSchemaAreRefusedByNameBeforeAnythingRuns() throws Exception {
    String prefix = prefix();
    Masking bad = Masking.builder().key(MaskingKey.file(keyFile))
        .rule("customers", "emial", MaskRule.fake(FakeKind.EMAIL))
        .rule("customers", "ref", MaskRule.fake(FakeKind.EMAIL))
        .rule("customers", "born", MaskRule.hash())
        .rule("customers", "phone", MaskRule.sql("no_such_function(phone)"))
        .rule("orders", "customer_id", MaskRule.setNull())
        .rule("customers", "email", MaskRule.partial(3))
        .rule("invoices", "email", MaskRule.hash())
        .build();
    assertThatThrownBy(() -> CloneManagers.databases(SharedPostgres.get()).databasePrefix(prefix)
        .golden(Golden.fromDatabase(source).masked(bad)).start())
        .isInstanceOf(LockplaneException.class)
        .hasMessageContaining("Rule public.customers.emial (fake(email)): table public.customers has no column emial")
        .hasMessageContaining("Rule public.customers.ref (fake(email)): column public.customers.ref is integer")
        .hasMessageContaining("Rule public.customers.born (hash): column public.customers.born is date")
        .hasMessageContaining("Rule public.customers.phone (sql(no_such_function(phone))): PostgreSQL refuses it")
        .hasMessageContaining("Rule public.orders.customer_id (null): public.orders.customer_id is NOT NULL")
        .hasMessageContaining("Rule public.customers.email (partial(last 3)): public.customers.email is covered by a unique index")
        .hasMessageContaining("Rule public.invoices.email (hash): the golden has no table public.invoices")
        .hasMessageNotContaining(KEY);
    assertThat(databasesStartingWith(prefix)).isEmpty();
  }

  @Test
  void theKeyNeverAppearsInDescriptionsHashesOrErrors() throws Exception {
    Masking m = rules().build();
    Golden g = Golden.fromDatabase(source).masked(m);
    assertThat(g.describe()).doesNotContain(KEY).contains("key from file");
    assertThat(m.toString()).doesNotContain(KEY);
    String hash = m.contentHash();
    Files.writeString(keyFile, "another-" + KEY);
    try {
      assertThat(rules().build().contentHash()).as("a new key rebuilds the golden").isNotEqualTo(hash);
    } finally {
      Files.writeString(keyFile, KEY + "\n");
    }
    assertThat(rules().build().contentHash()).isEqualTo(hash);
    // an expression that fails while it runs: PostgreSQL's message, without the key
    Masking failing = Masking.builder().key(MaskingKey.file(keyFile))
        .rule("customers", "note", MaskRule.sql("(1 / (ref - ref))::text")).build();
    assertThatThrownBy(() -> CloneManagers.databases(SharedPostgres.get()).databasePrefix(prefix())
        .golden(Golden.fromDatabase(source).masked(failing)).start())
        .hasMessageContaining("division by zero").hasMessageNotContaining(KEY);
    assertThatThrownBy(() -> Masking.builder().key(MaskingKey.environment("LOCKPLANE_NO_SUCH_MASK_KEY_VARIABLE"))
        .rule("customers", "id", MaskRule.hash()).build().contentHash())
        .isInstanceOf(LockplaneException.class)
        .satisfies(e -> assertThat(((LockplaneException) e).code()).isEqualTo(ErrorCode.KEY_UNAVAILABLE))
        .hasMessageContaining("LOCKPLANE_NO_SUCH_MASK_KEY_VARIABLE");
  }

  // ---------------------------------------------------------------------------------------------

  static boolean luhn(String digits) {
    int sum = 0;
    for (int i = 0; i < digits.length(); i++) {
      int d = digits.charAt(digits.length() - 1 - i) - '0';
      if (i % 2 == 1) {
        d = d * 2 > 9 ? d * 2 - 9 : d * 2;
      }
      sum += d;
    }
    return sum % 10 == 0;
  }

  static boolean ibanValid(String iban) {
    String moved = iban.substring(4) + iban.substring(0, 4);
    StringBuilder n = new StringBuilder();
    for (char ch : moved.toCharArray()) {
      n.append(Character.isLetter(ch) ? String.valueOf(ch - 'A' + 10) : String.valueOf(ch));
    }
    return new BigInteger(n.toString()).mod(BigInteger.valueOf(97)).intValue() == 1;
  }

  static long count(Statement s, String sql) throws SQLException {
    try (ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  static Map<Integer, Map<String, String>> rows(Clone clone, String sql) throws SQLException {
    try (Connection c = clone.dataSource().getConnection()) {
      return rows(c, sql);
    }
  }

  static Map<Integer, Map<String, String>> rows(LocalPostgres pg, String db, String sql) throws SQLException {
    try (Connection c = pg.connect(db)) {
      return rows(c, sql);
    }
  }

  static Map<Integer, Map<String, String>> rows(Connection c, String sql) throws SQLException {
    Map<Integer, Map<String, String>> out = new HashMap<>();
    try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) {
        Map<String, String> row = new HashMap<>();
        for (int i = 2; i <= rs.getMetaData().getColumnCount(); i++) {
          row.put(rs.getMetaData().getColumnName(i), rs.getString(i));
        }
        out.put(rs.getInt(1), row);
      }
    }
    return out;
  }

  static String databaseOf(Clone clone) throws SQLException {
    try (Connection c = clone.dataSource().getConnection(); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT current_database()")) {
      rs.next();
      return rs.getString(1);
    }
  }

  static String comment(LocalPostgres pg, String database) throws SQLException {
    try (Connection c = pg.connect("postgres"); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(
        "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = '" + database + "'")) {
      rs.next();
      return rs.getString(1);
    }
  }

  static List<String> databasesStartingWith(String prefix) throws SQLException {
    List<String> out = new ArrayList<>();
    try (Connection c = SharedPostgres.get().connect("postgres"); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT datname FROM pg_database WHERE starts_with(datname, '" + prefix + "')")) {
      while (rs.next()) {
        out.add(rs.getString(1));
      }
    }
    return out;
  }

  /**
   * The files of a database's directory ({@code base/<oid>}, or {@code <location>/PG_…/<oid>} for a
   * database in another tablespace, as clones in memory are) whose bytes contain the canary.
   */
  static List<Path> filesContaining(LocalPostgres pg, String database) throws Exception {
    long oid;
    String location;
    try (Connection c = pg.connect("postgres"); Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT oid, pg_tablespace_location(dattablespace) FROM pg_database"
            + " WHERE datname = '" + database + "'")) {
      assertThat(rs.next()).as("database " + database).isTrue();
      oid = rs.getLong(1);
      location = rs.getString(2);
      s.execute("CHECKPOINT");
    }
    Path base = pg.dataDirectory().resolve("base");
    if (!location.isEmpty()) {
      try (Stream<Path> versions = Files.list(Path.of(location))) {
        base = versions.filter(p -> p.getFileName().toString().startsWith("PG_")).findFirst().orElseThrow();
      }
    }
    Path dir = base.resolve(Long.toString(oid));
    assertThat(dir).as("directory of database " + database).isDirectory();
    return filesContaining(dir, CANARY);
  }

  /** Every regular file under a directory whose bytes contain the text. */
  static List<Path> filesContaining(Path dir, String text) throws IOException {
    byte[] needle = text.getBytes(StandardCharsets.UTF_8);
    List<Path> found = new ArrayList<>();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.filter(Files::isRegularFile).toList()) {
        if (contains(Files.readAllBytes(f), needle)) {
          found.add(f);
        }
      }
    }
    return found;
  }

  static boolean contains(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return true;
    }
    return false;
  }
}
