package dev.kindred.data.parquet;

import dev.kindred.data.RowBatch;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnReader;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;

/**
 * One column a read uses: its name, its role (user id, item id, value, timestamp), its physical
 * type (already checked to suit the role) and how to take its current value from a reader.
 */
record ParquetColumn(String name, String role, PrimitiveTypeName type, ColumnDescriptor descriptor) {

  /** The current id, registered in {@code batch}'s user ({@code isUser}) or item numbering. */
  int readId(ColumnReader c, RowBatch batch, boolean isUser) {
    return switch (type) {
      case INT32 -> isUser ? batch.userOf(c.getInteger()) : batch.itemOf(c.getInteger());
      case INT64 -> isUser ? batch.userOf(c.getLong()) : batch.itemOf(c.getLong());
      default -> {
        Binary b = c.getBinary();
        byte[] bytes = b.getBytesUnsafe();
        yield isUser ? batch.userOf(bytes, 0, bytes.length) : batch.itemOf(bytes, 0, bytes.length);
      }
    };
  }

  float readFloat(ColumnReader c) {
    return switch (type) {
      case FLOAT -> c.getFloat();
      case DOUBLE -> (float) c.getDouble();
      case INT32 -> c.getInteger();
      default -> c.getLong();
    };
  }

  long readLong(ColumnReader c) {
    return type == PrimitiveTypeName.INT32 ? c.getInteger() : c.getLong();
  }

  String describe() {
    return role + " column '" + name + "'";
  }

  String nullMessage() {
    return describe() + " is null";
  }
}
