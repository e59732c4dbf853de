package dev.lockplane.cli;

import dev.lockplane.backup.Keyset;
import dev.lockplane.cli.OutputOptions.Format;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code lockplane backup keys generate|rotate|show}. */
@Command(name = "keys", description = "Keysets that encrypt backups: generate, rotate, show.")
final class BackupKeysCommand extends GroupCommand {

  static int print(Cli cli, Format f, Keyset k) {
    if (f == Format.JSON) {
      Map<String, Object> m = new TreeMap<>();
      m.put("keysetId", Integer.toUnsignedString(k.keysetId()));
      m.put("primaryKeyId", Integer.toUnsignedString(k.primaryKeyId()));
      m.put("keyIds", k.keyIds().stream().map(Integer::toUnsignedString).toList());
      Map<String, String> templates = new TreeMap<>();
      k.keyIds().forEach(id -> templates.put(Integer.toUnsignedString(id), k.keyTemplate(id)));
      m.put("keyTemplates", templates);
      cli.out().print(Json.write(m));
    } else {
      cli.out().println(k + " keys " + k.keyIds().stream()
          .map(id -> Integer.toUnsignedString(id) + " (" + k.keyTemplate(id) + ")").toList());
    }
    return Main.OK;
  }

  /** {@code keys generate}. */
  @Command(name = "generate", description = "Generate a new keyset and write it to --out.")
  static final class Generate extends BaseCommand {
    @Option(names = "--out", paramLabel = "FILE", required = true, description = "Where to write the keyset.")
    Path out;

    @Option(names = "--passphrase-env", paramLabel = "VAR", description = "Protect the keyset with the passphrase in VAR.")
    String passphraseEnv;

    @Mixin OutputOptions output;

    @Override
    int execute() {
      Format f = output.format(spec, Format.TEXT, Format.JSON);
      Keyset k = Keyset.generate();
      k.writeTo(out, RepositoryOptions.passphrase(cli, spec, passphraseEnv));
      return print(cli, f, k);
    }
  }

  /** {@code keys rotate}. */
  @Command(name = "rotate", description = "Add a new primary key to the keyset in --in and write it to --out.")
  static final class Rotate extends BaseCommand {
    @Option(names = "--in", paramLabel = "FILE", required = true, description = "The keyset to rotate.")
    Path in;

    @Option(names = "--out", paramLabel = "FILE", required = true, description = "Where to write the rotated keyset.")
    Path out;

    @Option(names = "--passphrase-env", paramLabel = "VAR", description = "The keyset's passphrase is in VAR.")
    String passphraseEnv;

    @Mixin OutputOptions output;

    @Override
    int execute() {
      Format f = output.format(spec, Format.TEXT, Format.JSON);
      char[] pass = RepositoryOptions.passphrase(cli, spec, passphraseEnv);
      Keyset k = (pass == null ? Keyset.fromFile(in) : Keyset.fromFile(in, pass)).rotate();
      k.writeTo(out, pass);
      return print(cli, f, k);
    }
  }

  /** {@code keys show}. */
  @Command(name = "show", description = "Print the ids of the keyset in --in (never key material).")
  static final class Show extends BaseCommand {
    @Option(names = "--in", paramLabel = "FILE", required = true, description = "The keyset.")
    Path in;

    @Option(names = "--passphrase-env", paramLabel = "VAR", description = "The keyset's passphrase is in VAR.")
    String passphraseEnv;

    @Mixin OutputOptions output;

    @Override
    int execute() {
      Format f = output.format(spec, Format.TEXT, Format.JSON);
      char[] pass = RepositoryOptions.passphrase(cli, spec, passphraseEnv);
      return print(cli, f, pass == null ? Keyset.fromFile(in) : Keyset.fromFile(in, pass));
    }
  }
}
