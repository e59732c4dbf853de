/**
 * Expand / contract migrations: changes that would break a running application (rename of a column
 * or table, incompatible type change, NOT NULL on a populated column, drop of a column) split into an
 * additive expand phase, a resumable batched backfill, and a contract phase, each with its own rollback,
 * with their progress recorded in {@code lockplane.migration_state}.
 *
 * <pre>{@code
 * ExpandContractPlan plan = ExpandContract.plan("orders-total-to-amount",
 *     new Change.RenameColumn("orders", "id", "total", "amount", "numeric(12,2)", true));
 * ExpandContractRunner runner = ExpandContractRunner.builder().batchSize(5_000).build();
 * runner.expand(connection, plan);     // deploy the new application version after this
 * runner.migrate(connection, plan);    // resumable: run again after an interruption
 * runner.contract(connection, plan);   // once no old application version runs
 * }</pre>
 */
package dev.lockplane.migrate;
