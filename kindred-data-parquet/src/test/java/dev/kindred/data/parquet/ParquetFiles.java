package dev.kindred.data.parquet;

import java.io.IOException;
import java.nio.file.Path;
import org.apache.parquet.column.ParquetProperties.WriterVersion;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.MessageTypeParser;
import org.apache.parquet.schema.Type;

/** Writes small Parquet files of any schema for the tests, through parquet-java's example writer. */
final class ParquetFiles {

  private ParquetFiles() {}

  /**
   * Writes {@code rows} (one value per field, in schema order; null leaves an optional field
   * unset) to {@code dir/name}. {@code schema} is in Parquet's text form, e.g.
   * {@code message m { required int32 uid; optional double stars; }}.
   */
  static Path write(Path dir, String name, String schema, int rowGroupBytes, Object[]... rows) throws IOException {
    return write(dir, name, schema, rowGroupBytes, WriterVersion.PARQUET_1_0, rows);
  }

  /** {@link #write} with data pages of the given format version (V2 pages store levels apart from values). */
  static Path write(Path dir, String name, String schema, int rowGroupBytes, WriterVersion version, Object[]... rows)
      throws IOException {
    MessageType type = MessageTypeParser.parseMessageType(schema);
    Path file = dir.resolve(name);
    SimpleGroupFactory groups = new SimpleGroupFactory(type);
    try (ParquetWriter<Group> w = ExampleParquetWriter.builder(new LocalOutputFile(file))
        .withConf(new PlainParquetConfiguration()).withType(type).withRowGroupSize((long) rowGroupBytes)
        .withPageRowCountLimit(64).withWriterVersion(version).build()) {
      for (Object[] row : rows) {
        Group g = groups.newGroup();
        for (int f = 0; f < row.length; f++) {
          add(g, type.getType(f), row[f]);
        }
        w.write(g);
      }
    }
    return file;
  }

  static Path write(Path dir, String name, String schema, Object[]... rows) throws IOException {
    return write(dir, name, schema, 1 << 20, rows);
  }

  private static void add(Group g, Type field, Object v) {
    String n = field.getName();
    switch (v) {
      case null -> { }
      case Integer i -> g.add(n, i);
      case Long l -> g.add(n, l);
      case Float f -> g.add(n, f);
      case Double d -> g.add(n, d);
      case String s -> g.add(n, s);
      default -> throw new IllegalArgumentException("unsupported test value " + v);
    }
  }
}
