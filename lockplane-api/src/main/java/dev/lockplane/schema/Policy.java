package dev.lockplane.schema;

import java.util.List;
import java.util.Objects;

/**
 * A row-level-security policy.
 *
 * @param name the policy name
 * @param command {@code ALL}, {@code SELECT}, {@code INSERT}, {@code UPDATE} or {@code DELETE}
 * @param permissive whether the policy is permissive (else restrictive)
 * @param roles the roles it applies to ({@code public} for all)
 * @param using the {@code USING} expression, or null
 * @param withCheck the {@code WITH CHECK} expression, or null
 */
public record Policy(
    String name, String command, boolean permissive, List<String> roles, String using, String withCheck) {
  /** Validates and copies the record. */
  public Policy {
    Objects.requireNonNull(name, "name");
    command = command == null ? "ALL" : command;
    roles = roles == null || roles.isEmpty() ? List.of("public") : List.copyOf(roles);
  }
}
