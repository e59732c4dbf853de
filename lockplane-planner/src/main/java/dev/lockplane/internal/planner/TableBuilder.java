package dev.lockplane.internal.planner;

import dev.lockplane.schema.Column;
import dev.lockplane.schema.Constraint;
import dev.lockplane.schema.Index;
import dev.lockplane.schema.PartitionColumn;
import dev.lockplane.schema.Policy;
import dev.lockplane.schema.Table;
import dev.lockplane.schema.Trigger;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Collects a table's parts while introspection reads them kind by kind. */
public final class TableBuilder {
  public final String schema;
  public final String name;
  public final List<Column> columns = new ArrayList<>();
  public final List<Constraint> constraints = new ArrayList<>();
  public final List<Trigger> triggers = new ArrayList<>();
  public final List<Policy> policies = new ArrayList<>();
  public final List<PartitionColumn> partitionColumns = new ArrayList<>();
  public boolean rowSecurity;
  public boolean forceRowSecurity;
  public String partitionKey;
  public String partitionOf;
  public String partitionBound;
  public String comment;
  public boolean unlogged;
  public List<String> storageParameters = List.of();

  public TableBuilder(String schema, String name) {
    this.schema = schema;
    this.name = name;
  }

  public Table build(List<Index> indexes) {
    constraints.sort(Comparator.comparing(Constraint::name));
    triggers.sort(Comparator.comparing(Trigger::name));
    policies.sort(Comparator.comparing(Policy::name));
    List<Index> sorted = new ArrayList<>(indexes);
    sorted.sort(Comparator.comparing(Index::name));
    return new Table(schema, name, columns, constraints, sorted, triggers, policies, rowSecurity,
        forceRowSecurity, partitionKey, partitionOf, partitionBound, comment, null, unlogged, storageParameters,
        partitionColumns);
  }
}
