package dev.lockplane.internal.spring;

import dev.lockplane.clone.Clone;
import dev.lockplane.clone.Golden;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * The clone of one Spring test context, and the data source the context's beans use. The data
 * source opens a connection to the clone for each {@code getConnection()}; a reset replaces the
 * clone's database under the same name, so beans keep their data source across resets.
 */
public final class LockplaneDatabase implements DisposableBean {
  private static final System.Logger LOG = System.getLogger(LockplaneDatabase.class.getName());
  private final Clone clone;
  private final DatabaseSettings settings;
  private final DataSource dataSource;

  private LockplaneDatabase(Clone clone, DatabaseSettings settings) {
    this.clone = clone;
    this.settings = settings;
    this.dataSource = new CloneDataSource(clone);
  }

  /**
   * Prepares (or reuses) the golden of the context's migrations and takes a clone of it.
   *
   * @param settings the annotation's settings
   * @param environment the context's environment, which names the migrations
   * @return the context's database
   */
  static LockplaneDatabase open(DatabaseSettings settings, ConfigurableEnvironment environment) {
    Golden golden = SpringMigrations.golden(settings.migrations(), environment);
    int version = settings.postgres() != 0
        ? settings.postgres()
        : version(environment.getProperty("lockplane.postgres.version", "18"));
    return new LockplaneDatabase(Goldens.clones(version, golden).create(), settings);
  }

  private static int version(String text) {
    try {
      return Integer.parseInt(text.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("Property lockplane.postgres.version = '" + text
          + "' is not a PostgreSQL major version; use 13 to 18.", e);
    }
  }

  /**
   * Returns the data source that replaces the application's.
   *
   * @return the data source
   */
  public DataSource dataSource() {
    return dataSource;
  }

  /**
   * Returns the clone.
   *
   * @return the clone
   */
  public Clone currentClone() {
    return clone;
  }

  /**
   * Returns the settings the context was made with.
   *
   * @return the settings
   */
  public DatabaseSettings settings() {
    return settings;
  }

  /** Puts the clone back to the golden. */
  public void reset() {
    clone.reset();
  }

  @Override
  public void destroy() {
    try {
      clone.destroy();
    } catch (RuntimeException e) {
      // Spring closes cached contexts from its shutdown hook, which may run after the runtime's
      // hook stopped the server: the clone is gone with it then
      LOG.log(System.Logger.Level.DEBUG, "Clone " + clone.name() + " not dropped: " + e.getMessage());
    }
  }

  /** Connections to the clone, opened as they are asked for. */
  private static final class CloneDataSource extends dev.lockplane.internal.sql.SimpleDataSource {
    private final Clone target;

    CloneDataSource(Clone target) {
      this.target = target;
    }

    @Override
    protected DataSource wrapped() {
      return target.dataSource();
    }

    @Override
    public Connection getConnection() throws SQLException {
      return target.dataSource().getConnection();
    }

    @Override
    public Connection getConnection(String username, String password) throws SQLException {
      return target.dataSource().getConnection(username, password);
    }

    @Override
    public String toString() {
      return "Lockplane clone " + target.name();
    }
  }
}
