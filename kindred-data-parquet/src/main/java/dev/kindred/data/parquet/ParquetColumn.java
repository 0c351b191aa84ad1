package dev.kindred.data.parquet;

import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;

/**
 * One column a read uses: its name, its role, its physical type (already checked to suit the
 * role) and its descriptor in the file.
 */
record ParquetColumn(String name, Role role, PrimitiveTypeName type, ColumnDescriptor descriptor) {

  /** What a column holds, named as messages name it. */
  enum Role {
    USER("user id"),
    ITEM("item id"),
    VALUE("value"),
    TIMESTAMP("timestamp");

    private final String label;

    Role(String label) {
      this.label = label;
    }

    @Override
    public String toString() {
      return label;
    }
  }

  String describe() {
    return role + " column '" + name + "'";
  }

  String nullMessage() {
    return describe() + " is null";
  }
}
