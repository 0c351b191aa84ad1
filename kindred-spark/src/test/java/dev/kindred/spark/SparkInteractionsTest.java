package dev.kindred.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kindred.core.DuplicatePolicy;
import dev.kindred.core.IdIndex;
import dev.kindred.core.Interactions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Id mapping and encoding on local[2]: hand-checked small inputs. */
class SparkInteractionsTest {

  private static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = TestSpark.session();
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  private static Dataset<Row> frame(Object[]... rows) {
    StructType schema = new StructType().add("who", DataTypes.StringType).add("what", DataTypes.StringType)
        .add("rating", DataTypes.StringType).add("when", DataTypes.LongType);
    return spark.createDataFrame(List.of(rows).stream().map(RowFactory::create).toList(), schema).repartition(3);
  }

  @Test
  void numericIdsAreSortedNumericallyAndEncodedExactly() {
    Dataset<Row> df = frame(new Object[] {"10", "7", "4", 1L}, new Object[] {"2", "7", "5", 2L},
        new Object[] {"10", "300", "3", 3L}, new Object[] {"-5", "40", "1", 4L});
    SparkInteractions si = SparkInteractions.from(df, new SparkInteractions.Columns("who", "what", "rating", "when"),
        DuplicatePolicy.LAST, StorageLevel.MEMORY_ONLY());
    assertTrue(si.users().isNumeric());
    assertEquals(IdIndex.ofLongs(new long[] {-5, 2, 10}), si.users());
    assertEquals(IdIndex.ofLongs(new long[] {7, 40, 300}), si.items());
    assertEquals(4, si.size());
    Interactions local = si.toLocal();
    // user 10 -> 2, item 300 -> 2, rating 3
    assertEquals(3f, value(local, 2, 2));
    assertEquals(4f, value(local, 2, 0));
    assertEquals(5f, value(local, 1, 0));
    assertEquals(1f, value(local, 0, 1));
    assertEquals(0, si.invalidRows());
    si.unpersist();
  }

  @Test
  void stringIdsDuplicatesAndInvalidRows() {
    Dataset<Row> df = frame(new Object[] {"bob", "x", "1", 5L}, new Object[] {"ann", "x", "2", 1L},
        new Object[] {"bob", "x", "4", 2L}, new Object[] {"ann", "007", "3", 1L},
        new Object[] {"bob", "y", "not-a-number", 1L}, new Object[] {null, "y", "1", 1L});
    SparkInteractions.Columns cols = new SparkInteractions.Columns("who", "what", "rating", "when");
    SparkInteractions last = SparkInteractions.from(df, cols, DuplicatePolicy.LAST, StorageLevel.MEMORY_ONLY());
    assertFalse(last.users().isNumeric());
    assertEquals(IdIndex.ofStrings(List.of("ann", "bob")), last.users());
    // "007" is not a canonical long, so items are strings, sorted as strings
    assertEquals(IdIndex.ofStrings(List.of("007", "x")), last.items());
    assertEquals(2, last.invalidRows());
    assertEquals(3, last.size());
    Interactions l = last.toLocal();
    assertEquals(1f, value(l, 1, 1), "LAST keeps bob's latest rating (timestamp 5)");
    SparkInteractions sum = SparkInteractions.from(df, cols, DuplicatePolicy.SUM, StorageLevel.MEMORY_ONLY());
    assertEquals(5f, value(sum.toLocal(), 1, 1));
    SparkInteractions max = SparkInteractions.from(df, cols, DuplicatePolicy.MAX, StorageLevel.MEMORY_ONLY());
    assertEquals(4f, value(max.toLocal(), 1, 1));
    assertNotEquals(sum.fingerprint(), max.fingerprint());
  }

  @Test
  void mappingDoesNotDependOnRowOrderOrPartitioning() {
    Object[][] rows = new Object[200][];
    for (int r = 0; r < rows.length; r++) {
      rows[r] = new Object[] {"u" + (r * 37 % 23), Integer.toString(r * 11 % 31), "1", (long) r};
    }
    SparkInteractions.Columns cols = new SparkInteractions.Columns("who", "what", "rating", "when");
    SparkInteractions a = SparkInteractions.from(frame(rows), cols, DuplicatePolicy.LAST, StorageLevel.MEMORY_ONLY());
    Object[][] reversed = new Object[rows.length][];
    for (int r = 0; r < rows.length; r++) {
      reversed[r] = rows[rows.length - 1 - r];
    }
    SparkInteractions b = SparkInteractions.from(frame(reversed).repartition(5), cols, DuplicatePolicy.LAST,
        StorageLevel.MEMORY_ONLY());
    assertEquals(a.users(), b.users());
    assertEquals(a.items(), b.items());
    assertEquals(a.fingerprint(), b.fingerprint());
    assertEquals(a.toLocal().fingerprint(), b.toLocal().fingerprint());
  }

  @Test
  void readsDelimitedAndLightGcnFiles(@TempDir Path dir) throws Exception {
    Path tsv = dir.resolve("r.tsv");
    Files.writeString(tsv, "# comment\n3\t9\t4.5\t100\n1\t9\t2\t101\n3\t8\t1\t102\n");
    SparkInteractions t = SparkInteractions.load(spark, tsv.toString(), "tsv", null, null, DuplicatePolicy.LAST,
        StorageLevel.MEMORY_ONLY());
    assertEquals(IdIndex.ofLongs(new long[] {1, 3}), t.users());
    assertEquals(IdIndex.ofLongs(new long[] {8, 9}), t.items());
    assertEquals(4.5f, value(t.toLocal(), 1, 1));
    assertTrue(t.hasTimestamps());
    Path lg = dir.resolve("train.txt");
    Files.writeString(lg, "0 5 6 7\n1 6\n2 5 7\n");
    SparkInteractions g = SparkInteractions.load(spark, lg.toString(), "lightgcn", null, null, DuplicatePolicy.LAST,
        StorageLevel.MEMORY_ONLY());
    assertEquals(6, g.size());
    assertEquals(3, g.numUsers());
    assertEquals(3, g.numItems());
    assertEquals(1f, value(g.toLocal(), 2, 2));
    // lightgcn is parsed in plain Java; a missing path still fails as Spark SQL's sources do.
    Exception missing = assertThrows(Exception.class, () -> SparkInteractions.load(spark,
        dir.resolve("absent.txt").toString(), "lightgcn", null, null, DuplicatePolicy.LAST, StorageLevel.MEMORY_ONLY()));
    assertEquals("org.apache.spark.sql.AnalysisException", missing.getClass().getName());
    assertTrue(missing.getMessage().contains("absent.txt"), missing.getMessage());
  }

  @Test
  void readsParquetWithNamedColumns(@TempDir Path dir) {
    String path = dir.resolve("r.parquet").toString();
    frame(new Object[] {"7", "x", "2.5", 1L}, new Object[] {"3", "y", "4", 2L}).write().parquet(path);
    SparkInteractions p = SparkInteractions.load(spark, path, "parquet", null,
        SparkInteractions.Columns.parse("user=who,item=what,rating=rating,ts=when"), DuplicatePolicy.LAST,
        StorageLevel.MEMORY_ONLY());
    assertEquals(IdIndex.ofLongs(new long[] {3, 7}), p.users());
    assertEquals(IdIndex.ofStrings(List.of("x", "y")), p.items());
    assertEquals(2.5f, value(p.toLocal(), 1, 0));
    assertTrue(p.hasTimestamps());
  }

  @Test
  void refusesMissingColumnsAndUnknownFormats() {
    Dataset<Row> df = frame(new Object[] {"1", "2", "3", 4L});
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SparkInteractions.from(df,
        new SparkInteractions.Columns("user", "what", null, null), DuplicatePolicy.LAST, StorageLevel.MEMORY_ONLY()));
    assertTrue(e.getMessage().contains("column 'user' not found"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> SparkInteractions.read(spark, "x", "xlsx", null));
    assertTrue(e.getMessage().contains("unknown format 'xlsx'"), e.getMessage());
  }

  private static float value(Interactions d, int u, int i) {
    for (int j = d.userPtr()[u]; j < d.userPtr()[u + 1]; j++) {
      if (d.itemIdx()[j] == i) {
        return d.values()[j];
      }
    }
    return Float.NaN;
  }
}
