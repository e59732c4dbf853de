package dev.lockplane.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/** The version from the jar manifest (Implementation-Version), else from the build's resource. */
final class VersionProvider implements IVersionProvider {
  @Override
  public String[] getVersion() throws IOException {
    String v = Main.class.getPackage().getImplementationVersion();
    if (v == null) {
      // Running from classes (tests, an IDE): no manifest, but the build wrote the version here.
      try (InputStream in = Main.class.getResourceAsStream("version.properties")) {
        Properties p = new Properties();
        if (in != null) {
          p.load(in);
        }
        v = p.getProperty("version", "unknown");
      }
    }
    return new String[] {"lockplane " + v};
  }
}
