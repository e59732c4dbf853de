package dev.lockplane.internal.backup;

import dev.lockplane.ErrorCode;
import dev.lockplane.backup.BackupException;
import dev.lockplane.backup.VerifyReport.Problem;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.List;

/**
 * The chain of an incremental backup: its parent, the parent's parent, down to a full backup. A
 * restore needs every link, so a missing or damaged link is named before anything is read.
 */
public final class IncrementalChain {
  private IncrementalChain() {}

  /**
   * Finds the parent of a new incremental backup and checks that it can be built on: a physical
   * backup of the same cluster and major version, compressed and encrypted as new objects are,
   * whose own chain is complete and whose objects are all in storage with their recorded sizes.
   *
   * @param engine the repository
   * @param parentId the parent's id, or {@code null} for the latest physical backup of the cluster
   * @param systemIdentifier the cluster's system identifier
   * @param major the server's major version
   * @param backupId the new backup's id, for messages
   * @return the parent's manifest
   */
  public static Manifest parentFor(RepositoryEngine engine, String parentId, String systemIdentifier, int major,
      String backupId) {
    return parentFor(engine, parentId, systemIdentifier, major, backupId, null);
  }

  /** A parent read before the server was asked which cluster it is: its manifest and what is wrong with it. */
  record Candidate(Manifest parent, List<String> damage) {}

  /**
   * Reads, before the cluster is known, the backup {@link #parentFor} will most likely choose (the
   * given one, or the latest physical backup) and checks its objects, so that an incremental does
   * this while it connects to the server.
   *
   * @param engine the repository
   * @param parentId the parent's id, or {@code null} for the latest physical backup
   * @return the candidate, or {@code null} when there is none or it cannot be read (the check
   *     after connecting then reports why)
   */
  static Candidate candidate(RepositoryEngine engine, String parentId) {
    try {
      Manifest m = null;
      if (parentId != null) {
        m = engine.manifest(parentId);
      } else {
        m = engine.newest(IncrementalChain::physical);
      }
      return m == null ? null : new Candidate(m, damage(engine, m));
    } catch (RuntimeException e) {
      return null;
    }
  }

  /**
   * {@link #parentFor(RepositoryEngine, String, String, int, String)}, using a candidate read
   * earlier when it is the backup that would be chosen.
   *
   * @param candidate what {@link #candidate} read, or {@code null}
   */
  static Manifest parentFor(RepositoryEngine engine, String parentId, String systemIdentifier, int major,
      String backupId, Candidate candidate) {
    Manifest parent;
    if (candidate != null && (parentId != null || systemIdentifier.equals(candidate.parent().systemIdentifier()))) {
      parent = candidate.parent();
    } else if (parentId == null) {
      parent = latest(engine, systemIdentifier);
      if (parent == null) {
        throw new BackupException(ErrorCode.NOT_FOUND, "Incremental backup " + backupId + " has no parent: "
            + engine.storage().describe() + " holds no complete physical backup of the cluster with system identifier "
            + systemIdentifier + ". Take a full backup first.", backupId, null, null);
      }
    } else {
      try {
        parent = engine.manifest(parentId);
      } catch (BackupException e) {
        throw new BackupException(e.code(), "Incremental backup " + backupId + " refused: its parent " + parentId
            + " cannot be used: " + e.getMessage(), backupId, e.objectKey().orElse(null), e);
      }
    }
    String why = null;
    if (!parent.kind().equals("physical")) {
      why = "it is a " + parent.kind() + " backup, not a physical one";
    } else if (!systemIdentifier.equals(parent.systemIdentifier())) {
      why = "it is a backup of another cluster (system identifier " + parent.systemIdentifier() + ", this cluster's is "
          + systemIdentifier + ")";
    } else if (parent.serverMajor() != major) {
      why = "it was taken from PostgreSQL " + parent.serverMajor() + " and the server now runs " + major;
    } else if (!parent.compression().algorithm().equals(engine.compressionInfo().algorithm())) {
      why = "its objects are compressed with " + parent.compression().algorithm() + " and the repository now writes "
          + engine.compressionInfo().algorithm();
    } else if ((parent.encryption() == null) != (engine.encryptionInfo() == null)) {
      why = parent.encryption() == null ? "it is not encrypted and the repository now encrypts"
          : "it is encrypted and the repository was opened without a keyset";
    }
    if (why != null) {
      throw new BackupException(ErrorCode.INVALID_INPUT, "Incremental backup " + backupId + " refused: parent "
          + parent.id() + " cannot be built on: " + why + ". Take a full backup.", backupId, null, null);
    }
    List<String> damage = candidate != null && candidate.parent() == parent ? candidate.damage() : damage(engine, parent);
    if (!damage.isEmpty()) {
      throw new BackupException(ErrorCode.CORRUPTED, "Incremental backup " + backupId + " refused: its parent "
          + parent.id() + " is not intact: " + String.join("; ", damage) + ". Verify it, and take a full backup.",
          backupId, null, null);
    }
    return parent;
  }

  private static Manifest latest(RepositoryEngine engine, String systemIdentifier) {
    return engine.newest(m -> physical(m) && systemIdentifier.equals(m.systemIdentifier()));
  }

  private static boolean physical(Manifest m) {
    return dev.lockplane.backup.BackupKind.PHYSICAL.name().equalsIgnoreCase(m.kind());
  }

  /** Returns what is wrong with a backup as a base: broken links, missing or resized objects. */
  private static List<String> damage(RepositoryEngine engine, Manifest m) {
    List<String> out = new ArrayList<>();
    for (Problem p : links(engine, m)) {
      out.add(p.message());
    }
    StoredSizes sizes = new StoredSizes(engine.storage());
    for (StoredObject o : m.objects()) {
      try {
        long size = sizes.size(o);
        if (size != o.storedSize()) {
          out.add("object " + o.key() + " has " + size + " bytes, " + o.storedSize() + " were written");
        }
      } catch (NoSuchFileException e) {
        out.add("object " + o.key() + " is missing");
      } catch (IOException e) {
        out.add("object " + o.key() + " cannot be checked (" + Redaction.text(e) + ")");
      }
      if (out.size() >= 5) {
        break;
      }
    }
    return out;
  }

  /**
   * Returns the broken links of a backup's chain, each naming the link: a parent that is missing,
   * has no usable manifest, or is not the backup the chain recorded.
   *
   * @param engine the repository
   * @param m the backup
   * @return the problems, empty for a full backup or an intact chain
   */
  public static List<Problem> links(RepositoryEngine engine, Manifest m) {
    List<Problem> out = new ArrayList<>();
    List<String> chain = m.chain();
    for (int i = 0; i < chain.size(); i++) {
      String link = chain.get(i);
      String child = i == 0 ? m.id() : chain.get(i - 1);
      String what = "backup " + link + " (link " + (i + 1) + " of " + chain.size() + " in the chain of " + m.id()
          + ", the parent of " + child + ")";
      String key = DataWriter.prefix(link) + RepositoryEngine.MANIFEST;
      try {
        Manifest a = engine.manifest(link);
        if (!a.chain().equals(chain.subList(i + 1, chain.size()))) {
          out.add(new Problem(key, what + " records another chain (" + a.chain() + ")"));
        }
      } catch (BackupException e) {
        out.add(new Problem(key, what + (e.code() == ErrorCode.NOT_FOUND ? " is missing" : " is corrupted: " + e.getMessage())));
      }
    }
    return out;
  }

  /**
   * Refuses to complete a new incremental whose chain lost a link while it ran (a prune): each link
   * must still exist, that is, still have its primary manifest (a prune removes that first). The
   * links themselves were read and checked when the backup chose its parent, and every object the
   * backup refers to has been checked since, so this reads no manifest again.
   *
   * @param engine the repository
   * @param m the new backup's manifest
   * @throws BackupException {@code NOT_FOUND} naming the first link that is gone
   */
  public static void requireStillStored(RepositoryEngine engine, Manifest m) {
    List<String> chain = m.chain();
    for (int i = 0; i < chain.size(); i++) {
      String key = DataWriter.prefix(chain.get(i)) + RepositoryEngine.MANIFEST;
      ErrorCode code;
      String problem;
      try {
        engine.storage().size(key);
        continue;
      } catch (NoSuchFileException e) {
        code = ErrorCode.NOT_FOUND;
        problem = "is missing: it was removed while this backup ran (by a prune, or by hand)";
      } catch (IOException e) {
        code = ErrorCode.IO_ERROR;
        problem = "cannot be checked (" + Redaction.text(e) + ")";
      }
      throw new BackupException(code, "backup " + chain.get(i) + " (link " + (i + 1) + " of " + chain.size()
          + " in its chain) " + problem + ". Nothing of this backup was kept; take it again, a full backup if the rest"
          + " of the chain is gone", m.id(), key, null);
    }
  }

  /**
   * Refuses to restore a backup whose chain is broken, naming the first broken link.
   *
   * @param engine the repository
   * @param m the backup
   */
  public static void require(RepositoryEngine engine, Manifest m) {
    List<Problem> broken = links(engine, m);
    if (!broken.isEmpty()) {
      Problem p = broken.get(0);
      throw new BackupException(p.message().endsWith("is missing") ? ErrorCode.NOT_FOUND : ErrorCode.CORRUPTED,
          "Incremental backup " + m.id() + " cannot be restored: " + p.message() + ". Its chain is broken; nothing"
              + " was restored. Restore an earlier backup whose chain is intact.", m.id(), p.object(), null);
    }
  }
}
