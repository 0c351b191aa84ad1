package dev.kindred.data.parquet;

import dev.kindred.data.NamedColumns;
import dev.kindred.data.parquet.ParquetColumn.Role;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;

/**
 * The columns a read uses, checked against a file's schema: their descriptors, physical types
 * and the projection that makes the file reader skip every other column.
 *
 * @param user the user id column
 * @param item the item id column
 * @param value the value column, or null (every value 1)
 * @param timestamp the timestamp column, or null
 * @param projection the schema of just these columns
 */
record ParquetColumnPlan(ParquetColumn user, ParquetColumn item, ParquetColumn value, ParquetColumn timestamp,
    MessageType projection) {

  /** The columns read, in the order user, item, value, timestamp (absent ones left out). */
  List<ParquetColumn> columns() {
    return java.util.stream.Stream.of(user, item, value, timestamp).filter(java.util.Objects::nonNull).toList();
  }

  private static final List<PrimitiveTypeName> ID_TYPES =
      List.of(PrimitiveTypeName.INT32, PrimitiveTypeName.INT64, PrimitiveTypeName.BINARY);
  private static final List<PrimitiveTypeName> VALUE_TYPES = List.of(PrimitiveTypeName.FLOAT,
      PrimitiveTypeName.DOUBLE, PrimitiveTypeName.INT32, PrimitiveTypeName.INT64);
  private static final List<PrimitiveTypeName> TS_TYPES = List.of(PrimitiveTypeName.INT32, PrimitiveTypeName.INT64);

  /**
   * Finds and checks the columns. With {@link NamedColumns#DEFAULTS} a missing value or ts
   * column is taken as absent; a column named otherwise must exist.
   *
   * @param implicit when true the value column is not read even if present
   * @throws IllegalArgumentException naming the file, the column and the problem
   */
  static ParquetColumnPlan resolve(Path file, MessageType schema, NamedColumns columns, boolean implicit) {
    boolean optionalExtras = columns.equals(NamedColumns.DEFAULTS);
    List<Type> fields = new ArrayList<>();
    ParquetColumn user = column(file, schema, columns.user(), Role.USER, ID_TYPES, false, fields);
    ParquetColumn item = column(file, schema, columns.item(), Role.ITEM, ID_TYPES, false, fields);
    ParquetColumn value = implicit ? null
        : column(file, schema, columns.value(), Role.VALUE, VALUE_TYPES, optionalExtras, fields);
    ParquetColumn ts = column(file, schema, columns.timestamp(), Role.TIMESTAMP, TS_TYPES, optionalExtras, fields);
    return new ParquetColumnPlan(user, item, value, ts, new MessageType(schema.getName(), fields));
  }

  private static ParquetColumn column(Path file, MessageType schema, String name, Role role,
      List<PrimitiveTypeName> allowed, boolean mayBeMissing, List<Type> fields) {
    if (name == null) {
      return null;
    }
    if (!schema.containsField(name)) {
      if (mayBeMissing) {
        return null;
      }
      throw new IllegalArgumentException(file + ": no column '" + name + "' for the " + role + "; the file has "
          + describe(schema));
    }
    Type t = schema.getType(name);
    if (!t.isPrimitive() || t.isRepetition(Type.Repetition.REPEATED)) {
      throw new IllegalArgumentException(file + ": column '" + name + "' (" + role + ") is "
          + (t.isPrimitive() ? "repeated" : "a group") + "; expected a flat column of " + names(allowed));
    }
    PrimitiveTypeName type = t.asPrimitiveType().getPrimitiveTypeName();
    LogicalTypeAnnotation logical = t.getLogicalTypeAnnotation();
    boolean textOrPlain = logical == null || logical instanceof LogicalTypeAnnotation.StringLogicalTypeAnnotation
        || logical instanceof LogicalTypeAnnotation.EnumLogicalTypeAnnotation;
    if (!allowed.contains(type) || (type == PrimitiveTypeName.BINARY && !textOrPlain)) {
      throw new IllegalArgumentException(file + ": column '" + name + "' (" + role + ") is " + typeName(t)
          + "; expected " + names(allowed) + (allowed.contains(PrimitiveTypeName.BINARY) ? " (UTF-8 text)" : ""));
    }
    fields.add(t);
    return new ParquetColumn(name, role, type, schema.getColumnDescription(new String[] {name}));
  }

  private static String describe(MessageType schema) {
    return schema.getFields().isEmpty() ? "no columns"
        : "columns " + schema.getFields().stream().map(f -> f.getName() + " (" + typeName(f) + ")")
            .collect(Collectors.joining(", "));
  }

  private static String typeName(Type t) {
    if (!t.isPrimitive()) {
      return "group";
    }
    LogicalTypeAnnotation logical = t.getLogicalTypeAnnotation();
    return t.asPrimitiveType().getPrimitiveTypeName() + (logical == null ? "" : " " + logical);
  }

  private static String names(List<PrimitiveTypeName> types) {
    return types.stream().map(Enum::name).collect(Collectors.joining(", "));
  }
}
