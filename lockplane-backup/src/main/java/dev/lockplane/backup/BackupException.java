package dev.lockplane.backup;

import dev.lockplane.ErrorCode;
import dev.lockplane.LockplaneException;
import dev.lockplane.internal.backup.Redaction;
import java.util.Optional;

/**
 * A backup operation failed. Carries the backup id and, when one object is at fault, its key in the
 * repository.
 */
public class BackupException extends LockplaneException {
  private static final long serialVersionUID = 1L;

  private final String backupId;
  private final String objectKey;

  /**
   * Creates an exception. Secrets (passwords in URLs or driver messages) are removed from the
   * message and from the messages of the cause's chain, so no caller can leak one by accident.
   *
   * @param code the kind of failure
   * @param message what happened, to what, and what to do
   * @param backupId the backup, or {@code null}
   * @param objectKey the object at fault, or {@code null}
   * @param cause the underlying failure, or {@code null}
   */
  public BackupException(ErrorCode code, String message, String backupId, String objectKey, Throwable cause) {
    super(code, Redaction.text(message), Redaction.cause(cause));
    this.backupId = backupId;
    this.objectKey = objectKey;
  }

  /** Returns the backup concerned, if any. */
  public Optional<String> backupId() {
    return Optional.ofNullable(backupId);
  }

  /** Returns the key of the object at fault, if any. */
  public Optional<String> objectKey() {
    return Optional.ofNullable(objectKey);
  }
}
