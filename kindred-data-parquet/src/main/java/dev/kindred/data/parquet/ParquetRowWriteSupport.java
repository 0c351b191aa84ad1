package dev.kindred.data.parquet;

import java.util.Map;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.io.api.RecordConsumer;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;

/** Writes a {@link ParquetRow} into the columns of a {@link ParquetInteractionWriter#schema} layout. */
final class ParquetRowWriteSupport extends WriteSupport<ParquetRow> {

  private final MessageType schema;
  private final boolean textUsers;
  private final boolean textItems;
  private final boolean timestamps;
  private RecordConsumer consumer;

  ParquetRowWriteSupport(MessageType schema) {
    this.schema = schema;
    this.textUsers = schema.getType(0).asPrimitiveType().getPrimitiveTypeName() == PrimitiveTypeName.BINARY;
    this.textItems = schema.getType(1).asPrimitiveType().getPrimitiveTypeName() == PrimitiveTypeName.BINARY;
    this.timestamps = schema.getFieldCount() == 4;
  }

  @Override
  public WriteContext init(org.apache.hadoop.conf.Configuration configuration) {
    return new WriteContext(schema, Map.of());
  }

  @Override
  public WriteContext init(ParquetConfiguration configuration) {
    return new WriteContext(schema, Map.of());
  }

  @Override
  public void prepareForWrite(RecordConsumer recordConsumer) {
    this.consumer = recordConsumer;
  }

  @Override
  public void write(ParquetRow row) {
    consumer.startMessage();
    field(0, textUsers, row.user, row.userText);
    field(1, textItems, row.item, row.itemText);
    consumer.startField(schema.getFieldName(2), 2);
    consumer.addFloat(row.value);
    consumer.endField(schema.getFieldName(2), 2);
    if (timestamps) {
      consumer.startField(schema.getFieldName(3), 3);
      consumer.addLong(row.ts);
      consumer.endField(schema.getFieldName(3), 3);
    }
    consumer.endMessage();
  }

  private void field(int index, boolean text, long number, String name) {
    String field = schema.getFieldName(index);
    consumer.startField(field, index);
    if (text) {
      consumer.addBinary(Binary.fromString(name));
    } else {
      consumer.addLong(number);
    }
    consumer.endField(field, index);
  }
}
