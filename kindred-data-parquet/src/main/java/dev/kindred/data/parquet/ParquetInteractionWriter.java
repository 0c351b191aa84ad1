package dev.kindred.data.parquet;

import dev.kindred.core.IdIndex;
import dev.kindred.core.Interactions;
import dev.kindred.data.AtomicFiles;
import dev.kindred.data.NamedColumns;
import dev.kindred.data.SyntheticGenerator;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.Objects;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Types;

/**
 * Writes interactions as Parquet files that {@link ParquetInteractionReader} reads back with the
 * default columns: {@code user} and {@code item} (INT64 when the index holds numeric ids, else
 * UTF-8 BINARY), {@code value} (FLOAT) and {@code ts} (INT64, only when the data has
 * timestamps), all required; one row per pair, user by user; Snappy-compressed pages, row groups
 * of {@value #ROW_GROUP_BYTES} bytes. The file appears atomically (temporary file in the same
 * directory, then a rename, as the TSV writer does).
 *
 * <p>Thread-safety: stateless; the data is only read.
 */
public final class ParquetInteractionWriter {

  /** Row group size: large enough for long column runs, small enough to stream while reading. */
  static final int ROW_GROUP_BYTES = 64 << 20;

  private ParquetInteractionWriter() {}

  /**
   * Writes {@code data}; reading it back gives the same pairs, values and timestamps by
   * external id (and the same indices when every user has a pair and items first appear in
   * index order, as for {@code InteractionWriter.writeTsv}).
   *
   * @throws IllegalArgumentException if a value is not finite (it would not read back)
   */
  public static void write(Interactions data, Path out) throws IOException {
    float[] values = data.values();
    for (int j = 0; j < values.length; j++) {
      if (!Float.isFinite(values[j])) {
        throw new IllegalArgumentException("value " + values[j] + " at position " + j + " is not finite");
      }
    }
    IdIndex users = data.userIndex();
    IdIndex items = data.itemIndex();
    MessageType schema = schema(users.isNumeric(), items.isNumeric(), data.hasTimestamps());
    int[] ptr = data.userPtr();
    int[] itemIdx = data.itemIdx();
    long[] ts = data.timestamps();
    write(out, schema, row -> {
      for (int u = 0; u < data.numUsers(); u++) {
        for (int j = ptr[u]; j < ptr[u + 1]; j++) {
          row.write(users, u, items, itemIdx[j], values[j], ts == null ? 0 : ts[j]);
        }
      }
    });
  }

  /**
   * Streams the rows of {@code generator} (the rows its TSV output has: ids {@code 1..n},
   * value, timestamp) to a Parquet file; memory does not grow with the number of rows. Reading
   * the file gives what reading the generator's TSV file gives.
   */
  public static void writeGenerated(SyntheticGenerator generator, Path out) throws IOException {
    Objects.requireNonNull(generator, "generator");
    boolean implicit = generator.config().implicit();
    write(out, schema(true, true, true), row -> generator.produce((user, item, milli, ts) ->
        // milli < 2^24 and 1000 are exact floats: the float nearest milli/1000, as the TSV reader parses it
        row.write(user + 1L, item + 1L, implicit ? 1f : milli / 1000f, ts)));
  }

  /** The file layout: the default column names of {@link NamedColumns#DEFAULTS}. */
  static MessageType schema(boolean numericUsers, boolean numericItems, boolean timestamps) {
    NamedColumns names = NamedColumns.DEFAULTS;
    Types.MessageTypeBuilder b = Types.buildMessage();
    id(b, numericUsers, names.user());
    id(b, numericItems, names.item());
    b.required(PrimitiveTypeName.FLOAT).named(names.value());
    if (timestamps) {
      b.required(PrimitiveTypeName.INT64).named(names.timestamp());
    }
    return b.named("interactions");
  }

  private static void id(Types.MessageTypeBuilder b, boolean numeric, String name) {
    if (numeric) {
      b.required(PrimitiveTypeName.INT64).named(name);
    } else {
      b.required(PrimitiveTypeName.BINARY).as(LogicalTypeAnnotation.stringType()).named(name);
    }
  }

  @FunctionalInterface
  private interface Rows {
    void writeAll(ParquetRowWriter row) throws IOException;
  }

  private static void write(Path out, MessageType schema, Rows rows) throws IOException {
    AtomicFiles.write(out, os -> {
      try (ParquetWriter<ParquetRow> writer = new Builder(new StreamOutputFile(os, out.toString()), schema)
          .withConf(new PlainParquetConfiguration())
          .withCodecFactory(LocalCodecs.INSTANCE)
          .withCompressionCodec(CompressionCodecName.SNAPPY)
          .withRowGroupSize((long) ROW_GROUP_BYTES)
          .build()) {
        rows.writeAll(new ParquetRowWriter(writer));
      }
    });
  }

  /** Fills the one reused {@link ParquetRow} and writes it. */
  static final class ParquetRowWriter {
    private final ParquetWriter<ParquetRow> writer;
    private final ParquetRow row = new ParquetRow();

    ParquetRowWriter(ParquetWriter<ParquetRow> writer) {
      this.writer = writer;
    }

    void write(long user, long item, float value, long ts) throws IOException {
      row.user = user;
      row.item = item;
      row.userText = null;
      row.itemText = null;
      row.value = value;
      row.ts = ts;
      writer.write(row);
    }

    void write(IdIndex users, int u, IdIndex items, int i, float value, long ts) throws IOException {
      row.user = users.isNumeric() ? users.longId(u) : 0;
      row.userText = users.isNumeric() ? null : users.externalId(u);
      row.item = items.isNumeric() ? items.longId(i) : 0;
      row.itemText = items.isNumeric() ? null : items.externalId(i);
      row.value = value;
      row.ts = ts;
      writer.write(row);
    }
  }

  private static final class Builder extends ParquetWriter.Builder<ParquetRow, Builder> {
    private final MessageType schema;

    Builder(StreamOutputFile file, MessageType schema) {
      super(file);
      this.schema = schema;
    }

    @Override
    protected Builder self() {
      return this;
    }

    @Override
    protected ParquetRowWriteSupport getWriteSupport(org.apache.hadoop.conf.Configuration conf) {
      return new ParquetRowWriteSupport(schema);
    }

    @Override
    protected ParquetRowWriteSupport getWriteSupport(org.apache.parquet.conf.ParquetConfiguration conf) {
      return new ParquetRowWriteSupport(schema);
    }
  }

  /** An {@link org.apache.parquet.io.OutputFile} over a stream {@link AtomicFiles} owns (closed by it). */
  private static final class StreamOutputFile implements org.apache.parquet.io.OutputFile {
    private final OutputStream out;
    private final String name;

    StreamOutputFile(OutputStream out, String name) {
      this.out = out;
      this.name = name;
    }

    @Override
    public org.apache.parquet.io.PositionOutputStream create(long blockSizeHint) {
      return new org.apache.parquet.io.PositionOutputStream() {
        private long pos;

        @Override
        public long getPos() {
          return pos;
        }

        @Override
        public void write(int b) throws IOException {
          out.write(b);
          pos++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
          out.write(b, off, len);
          pos += len;
        }

        @Override
        public void flush() throws IOException {
          out.flush();
        }

        @Override
        public void close() throws IOException {
          out.flush();
        }
      };
    }

    @Override
    public org.apache.parquet.io.PositionOutputStream createOrOverwrite(long blockSizeHint) {
      return create(blockSizeHint);
    }

    @Override
    public boolean supportsBlockSize() {
      return false;
    }

    @Override
    public long defaultBlockSize() {
      return 0;
    }

    @Override
    public String getPath() {
      return name;
    }
  }
}
