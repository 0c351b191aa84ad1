package dev.kindred.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.monotonically_increasing_id;
import static org.apache.spark.sql.functions.split;
import static org.apache.spark.sql.functions.struct;

import dev.kindred.core.DuplicatePolicy;
import dev.kindred.core.IdIndex;
import dev.kindred.core.Interactions;
import dev.kindred.data.ColumnMapping;
import dev.kindred.data.InteractionFormat;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Interactions read from any Spark source, with external ids mapped to dense {@code int}
 * indices: the distributed counterpart of kindred-core's {@link Interactions}.
 *
 * <p>Id mapping (distributed, deterministic): the distinct user (item) ids are found with a
 * shuffle, sorted (numerically when every id is a canonical decimal long, as kindred-core's
 * {@link IdIndex} keeps them; else as strings) and numbered {@code 0..n-1} in that order by
 * {@code zipWithIndex}; the interactions are encoded by a join against that mapping (Spark picks
 * a broadcast join for small mappings, a shuffle join otherwise), so no executor needs the whole
 * mapping. The same data always gives the same indices, whatever its partitioning or row order.
 * Only the ids are then collected to the driver as two {@link IdIndex}es, because the model file
 * stores them: driver memory about {@code 32 n} bytes for {@code n} numeric ids, about
 * {@code 80 + 2 len} bytes per string id (the array plus the index's hash map).
 *
 * <p>Repeated (user, item) pairs are resolved by a {@link DuplicatePolicy} as the single-machine
 * reader does ({@code LAST} orders by timestamp, then by input order). Rows whose user or item is
 * null or empty, or whose value does not parse as a finite number, are dropped and counted (a header
 * line of a delimited file is one such row); {@link #invalidRows()} says how many.
 *
 * <p>The encoded data is a {@link JavaRDD} of {@link InteractionChunk}s (parallel primitive arrays,
 * 12 bytes per interaction), cached at the caller's storage level. Instances are immutable; the
 * RDD is shared, so {@link #unpersist()} only when no trainer uses it any more.
 */
public final class SparkInteractions {

  private static final Logger LOG = LoggerFactory.getLogger(SparkInteractions.class);

  /** Column names of the datasets {@link #read} returns. */
  public static final Columns STANDARD = new Columns("user", "item", "value", "ts");

  /** Formats read by {@link #read} besides kindred-data's delimited ones. */
  public static final List<String> SPARK_FORMATS = List.of("parquet", "orc", "json", "table");

  private final IdIndex users;
  private final IdIndex items;
  private final JavaRDD<InteractionChunk> chunks;
  private final long size;
  private final long invalidRows;
  private final long fingerprint;
  private final boolean hasTimestamps;

  private SparkInteractions(IdIndex users, IdIndex items, JavaRDD<InteractionChunk> chunks, long size,
      long invalidRows, long fingerprint, boolean hasTimestamps) {
    this.users = users;
    this.items = items;
    this.chunks = chunks;
    this.size = size;
    this.invalidRows = invalidRows;
    this.fingerprint = fingerprint;
    this.hasTimestamps = hasTimestamps;
  }

  /**
   * Which columns of a dataset hold what. User and item are required (any type; converted to
   * their decimal or string form); value and timestamp may be null (every value is then 1).
   */
  public record Columns(String user, String item, String value, String timestamp) implements java.io.Serializable {
    public Columns {
      if (user == null || user.isBlank() || item == null || item.isBlank()) {
        throw new IllegalArgumentException("Columns: user and item column names are required, got user=" + user
            + " item=" + item);
      }
    }

    /**
     * Parses {@code user=NAME,item=NAME[,value=NAME][,ts=NAME]} ({@code rating} and
     * {@code timestamp} are accepted for value and ts).
     */
    public static Columns parse(String spec) {
      String u = null;
      String i = null;
      String v = null;
      String t = null;
      for (String part : spec.split(",", -1)) {
        int eq = part.indexOf('=');
        if (eq <= 0 || eq == part.length() - 1) {
          throw new IllegalArgumentException("bad column spec '" + spec + "': expected key=column, got '" + part + "'");
        }
        String key = part.substring(0, eq).trim().toLowerCase(Locale.ROOT);
        String name = part.substring(eq + 1).trim();
        switch (key) {
          case "user" -> u = name;
          case "item" -> i = name;
          case "value", "rating" -> v = name;
          case "ts", "timestamp" -> t = name;
          default -> throw new IllegalArgumentException("bad column spec '" + spec + "': unknown key '" + key
              + "', expected user, item, value (rating) or ts");
        }
      }
      return new Columns(u, i, v, t);
    }
  }

  /**
   * Reads a source as a dataset. {@code format} is one of {@link #SPARK_FORMATS} ({@code table}
   * reads the catalog table named {@code path}; columns keep their names) or a kindred-data
   * format name ({@code ml-100k, ml-dat, ml-csv, tsv, csv, lightgcn}), whose columns are renamed
   * to {@link #STANDARD} (without {@code ts} when the file has no timestamps); {@code mapping} overrides a delimited format's layout (null keeps the
   * format's default). Lines starting with {@code #} are comments in {@code tsv} and {@code csv}.
   * A {@code lightgcn} user with no items on its line is not indexed (the single-machine reader
   * indexes it with no interactions).
   */
  public static Dataset<Row> read(SparkSession spark, String path, String format, ColumnMapping mapping) {
    Objects.requireNonNull(spark, "spark");
    Objects.requireNonNull(path, "path");
    String f = Objects.requireNonNull(format, "format").trim().toLowerCase(Locale.ROOT);
    switch (f) {
      case "parquet", "orc", "json" -> {
        return spark.read().format(f).load(path);
      }
      case "table" -> {
        return spark.table(path);
      }
      default -> { }
    }
    InteractionFormat kf;
    try {
      kf = InteractionFormat.parse(f);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown format '" + format + "': expected one of " + SPARK_FORMATS
          + " or a kindred format (" + Arrays.toString(InteractionFormat.values()) + ")");
    }
    ColumnMapping m = mapping != null ? mapping : kf.defaultMapping();
    if (kf == InteractionFormat.LIGHTGCN) {
      Column fields = split(functions.trim(col("value")), "\\s+");
      return spark.read().text(path)
          .filter(functions.length(functions.trim(col("value"))).gt(0))
          .select(fields.getItem(0).as("user"), explode(functions.slice(fields, 2, Integer.MAX_VALUE)).as("item"))
          .select(col("user"), col("item"), lit(1f).as("value"));
    }
    Dataset<Row> raw = spark.read().option("sep", m.delimiter()).option("header", Boolean.toString(m.header()))
        .option("comment", "#").option("inferSchema", "false").option("mode", "PERMISSIVE").csv(path);
    int width = raw.columns().length;
    if (m.minFields() > width) {
      throw new IllegalArgumentException(path + ": format " + kf.cliName() + " needs " + m.minFields()
          + " fields per line, the file has " + width);
    }
    String[] names = raw.columns();
    Column value = m.hasRating() && m.ratingColumn() < width ? col(names[m.ratingColumn()]) : lit("1");
    Column user = col(names[m.userColumn()]).as("user");
    Column item = col(names[m.itemColumn()]).as("item");
    return m.hasTimestamp() && m.timestampColumn() < width
        ? raw.select(user, item, value.as("value"), col(names[m.timestampColumn()]).as("ts"))
        : raw.select(user, item, value.as("value"));
  }

  /** {@link #read} then {@link #from} with {@link #STANDARD} columns (or {@code columns} for named formats). */
  public static SparkInteractions load(SparkSession spark, String path, String format, ColumnMapping mapping,
      Columns columns, DuplicatePolicy duplicates, StorageLevel level) {
    Dataset<Row> df = read(spark, path, format, mapping);
    boolean named = SPARK_FORMATS.contains(format.trim().toLowerCase(Locale.ROOT));
    if (named && columns != null) {
      return from(df, columns, duplicates, level);
    }
    boolean hasTs = List.of(df.columns()).contains(STANDARD.timestamp());
    return from(df, hasTs ? STANDARD : new Columns(STANDARD.user(), STANDARD.item(), STANDARD.value(), null),
        duplicates, level);
  }

  /**
   * Encodes a dataset: resolves duplicates, builds the two id mappings and encodes every row.
   * Runs several Spark jobs (distinct ids, the joins, one count).
   *
   * @throws IllegalArgumentException if a named column is missing or no valid row remains
   */
  public static SparkInteractions from(Dataset<Row> df, Columns columns, DuplicatePolicy duplicates,
      StorageLevel level) {
    Objects.requireNonNull(df, "df");
    Objects.requireNonNull(columns, "columns");
    Objects.requireNonNull(duplicates, "duplicates");
    Objects.requireNonNull(level, "level");
    List<String> present = List.of(df.columns());
    for (String c : Arrays.asList(columns.user(), columns.item(), columns.value(), columns.timestamp())) {
      if (c != null && !present.contains(c)) {
        throw new IllegalArgumentException("column '" + c + "' not found; the data has " + present);
      }
    }
    boolean hasTs = columns.timestamp() != null;
    Column v = columns.value() == null ? lit(1f)
        : col(columns.value()).cast(DataTypes.StringType).try_cast(DataTypes.FloatType);
    Column t = hasTs ? col(columns.timestamp()).cast(DataTypes.StringType).try_cast(DataTypes.LongType)
        : lit(Long.MIN_VALUE);
    Dataset<Row> typed = df.select(functions.trim(col(columns.user()).cast(DataTypes.StringType)).as("u"),
        functions.trim(col(columns.item()).cast(DataTypes.StringType)).as("i"), v.as("v"),
        functions.coalesce(t, lit(Long.MIN_VALUE)).as("t"), monotonically_increasing_id().as("o"));
    Column valid = col("u").isNotNull().and(col("i").isNotNull()).and(functions.length(col("u")).gt(0))
        .and(functions.length(col("i")).gt(0)).and(col("v").isNotNull()).and(functions.not(functions.isnan(col("v"))))
        .and(functions.abs(col("v")).notEqual(lit(Float.POSITIVE_INFINITY)));
    Dataset<Row> clean = typed.filter(valid);
    Dataset<Row> deduped = switch (duplicates) {
      case SUM -> clean.groupBy("u", "i").agg(functions.sum("v").cast(DataTypes.FloatType).as("v"),
          functions.max("t").as("t"));
      case MAX -> clean.groupBy("u", "i").agg(functions.max(struct(col("v"), col("t"), col("o"))).as("s"))
          .select(col("u"), col("i"), col("s.v").as("v"), col("s.t").as("t"));
      case LAST -> clean.groupBy("u", "i").agg(functions.max(struct(col("t"), col("o"), col("v"))).as("s"))
          .select(col("u"), col("i"), col("s.v").as("v"), col("s.t").as("t"));
    };
    deduped = deduped.persist(StorageLevel.MEMORY_AND_DISK());
    try {
      SparkSession spark = df.sparkSession();
      Mapping userMap = mapping(spark, deduped, "u");
      Mapping itemMap = mapping(spark, deduped, "i");
      Dataset<Row> encoded = deduped.join(userMap.table, "u").join(itemMap.table, "i")
          .select(col("u_idx"), col("i_idx"), col("v"), col("t"));
      int chunkSize = InteractionChunk.TARGET_SIZE;
      JavaRDD<InteractionChunk> chunks = encoded.javaRDD()
          .mapPartitions((Iterator<Row> rows) -> toChunks(rows, hasTs, chunkSize).iterator())
          .persist(level);
      long[] stats = chunks.map(SparkInteractions::chunkStats).reduce(SparkInteractions::addStats);
      userMap.cached().unpersist(false);
      itemMap.cached().unpersist(false);
      long size = stats[0];
      if (size == 0) {
        chunks.unpersist(false);
        throw new IllegalArgumentException("no valid interactions in the data (columns " + columns + ")");
      }
      Row counts = typed.agg(functions.count(lit(1)), functions.sum(functions.when(valid, 1L).otherwise(0L))).first();
      long total = counts.getLong(0);
      long invalid = total - (counts.isNullAt(1) ? 0L : counts.getLong(1));
      if (invalid > 0) {
        LOG.warn("{} of {} rows dropped: null or empty id, or a value that is not a finite number", invalid, total);
      }
      long fp = 0x9E3779B97F4A7C15L ^ userMap.index.size() * 31L ^ itemMap.index.size();
      fp = mix(fp + stats[1]);
      LOG.info("encoded {} interactions: {} users x {} items, {} chunks", size, userMap.index.size(),
          itemMap.index.size(), chunks.getNumPartitions());
      return new SparkInteractions(userMap.index, itemMap.index, chunks, size, invalid, fp, hasTs);
    } finally {
      deduped.unpersist(false);
    }
  }

  /** An id column's mapping: a (id, idx) table for the join and the collected index. */
  private record Mapping(Dataset<Row> table, IdIndex index, JavaPairRDD<String, Long> cached) {}

  private static Mapping mapping(SparkSession spark, Dataset<Row> data, String column) {
    // Used by three jobs (the numeric check, the sort's sampling and the sort): computed once.
    Dataset<Row> distinct = data.select(col(column)).distinct().persist(StorageLevel.MEMORY_AND_DISK());
    Column asLong = col(column).try_cast(DataTypes.LongType);
    boolean numeric = distinct.filter(asLong.isNull().or(asLong.cast(DataTypes.StringType).notEqual(col(column))))
        .limit(1).count() == 0;
    Dataset<Row> sorted = numeric ? distinct.orderBy(asLong) : distinct.orderBy(col(column));
    JavaPairRDD<String, Long> zipped = sorted.javaRDD().map(r -> r.getString(0)).zipWithIndex()
        .persist(StorageLevel.MEMORY_AND_DISK());
    List<String> ids = zipped.keys().collect();
    distinct.unpersist(false);
    if (ids.size() > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(column + ": " + ids.size() + " distinct ids exceed the int index range");
    }
    IdIndex index;
    if (numeric) {
      long[] longs = new long[ids.size()];
      for (int j = 0; j < longs.length; j++) {
        longs[j] = Long.parseLong(ids.get(j));
      }
      index = IdIndex.ofLongs(longs);
    } else {
      index = IdIndex.ofStrings(ids);
    }
    StructType schema = new StructType().add(column, DataTypes.StringType, false)
        .add(column + "_idx", DataTypes.IntegerType, false);
    JavaRDD<Row> rows = zipped.map(p -> RowFactory.create(p._1(), (int) (long) p._2()));
    return new Mapping(spark.createDataFrame(rows, schema), index, zipped);
  }

  private static List<InteractionChunk> toChunks(Iterator<Row> rows, boolean hasTs, int chunkSize) {
    List<InteractionChunk> out = new ArrayList<>();
    int[] u = new int[chunkSize];
    int[] i = new int[chunkSize];
    float[] v = new float[chunkSize];
    long[] t = hasTs ? new long[chunkSize] : null;
    int n = 0;
    while (rows.hasNext()) {
      Row r = rows.next();
      u[n] = r.getInt(0);
      i[n] = r.getInt(1);
      v[n] = r.getFloat(2);
      if (t != null) {
        t[n] = r.getLong(3);
      }
      if (++n == chunkSize) {
        out.add(new InteractionChunk(u, i, v, t));
        u = new int[chunkSize];
        i = new int[chunkSize];
        v = new float[chunkSize];
        t = hasTs ? new long[chunkSize] : null;
        n = 0;
      }
    }
    if (n > 0) {
      out.add(new InteractionChunk(Arrays.copyOf(u, n), Arrays.copyOf(i, n), Arrays.copyOf(v, n),
          t == null ? null : Arrays.copyOf(t, n)));
    }
    return out;
  }

  /** {count, order-independent hash sum} of a chunk. */
  private static long[] chunkStats(InteractionChunk c) {
    long h = 0;
    for (int j = 0; j < c.size(); j++) {
      h += mix(((long) c.user(j) << 32 | c.item(j)) * 0xBF58476D1CE4E5B9L ^ Float.floatToIntBits(c.value(j)));
    }
    return new long[] {c.size(), h};
  }

  private static long[] addStats(long[] a, long[] b) {
    return new long[] {a[0] + b[0], a[1] + b[1]};
  }

  private static long mix(long x) {
    x = (x ^ (x >>> 30)) * 0xBF58476D1CE4E5B9L;
    x = (x ^ (x >>> 27)) * 0x94D049BB133111EBL;
    return x ^ (x >>> 31);
  }

  /**
   * Distributes an in-memory data set with its indices unchanged, in {@code slices} partitions:
   * for tests and for comparing a distributed fit with a single-machine one on identical input.
   */
  public static SparkInteractions of(JavaSparkContext sc, Interactions data, int slices, StorageLevel level) {
    int n = data.size();
    int[] ptr = data.userPtr();
    int[] idx = data.itemIdx();
    float[] val = data.values();
    long[] ts = data.timestamps();
    List<InteractionChunk> list = new ArrayList<>();
    int per = Math.max(1, Math.min(InteractionChunk.TARGET_SIZE, (n + slices - 1) / slices));
    int u = 0;
    for (int from = 0; from < n; from += per) {
      int to = Math.min(n, from + per);
      int[] cu = new int[to - from];
      for (int j = from; j < to; j++) {
        while (ptr[u + 1] <= j) {
          u++;
        }
        cu[j - from] = u;
      }
      list.add(new InteractionChunk(cu, Arrays.copyOfRange(idx, from, to), Arrays.copyOfRange(val, from, to),
          ts == null ? null : Arrays.copyOfRange(ts, from, to)));
    }
    JavaRDD<InteractionChunk> chunks = sc.parallelize(list, slices).persist(level);
    long h = 0;
    for (InteractionChunk c : list) {
      h += chunkStats(c)[1];
    }
    long fp = mix((0x9E3779B97F4A7C15L ^ data.numUsers() * 31L ^ data.numItems()) + h);
    return new SparkInteractions(data.userIndex(), data.itemIndex(), chunks, n, 0, fp, ts != null);
  }

  /**
   * Collects everything to the driver as kindred-core {@link Interactions} (same indices): for
   * tests and for data that fits one machine.
   */
  public Interactions toLocal() {
    List<InteractionChunk> all = chunks.collect();
    int n = Math.toIntExact(size);
    int[] u = new int[n];
    int[] i = new int[n];
    float[] v = new float[n];
    long[] t = hasTimestamps ? new long[n] : null;
    int at = 0;
    for (InteractionChunk c : all) {
      for (int j = 0; j < c.size(); j++, at++) {
        u[at] = c.user(j);
        i[at] = c.item(j);
        v[at] = c.value(j);
        if (t != null) {
          t[at] = c.timestamp(j);
        }
      }
    }
    return Interactions.fromCoo(users, items, users.size(), items.size(), u, i, v, t, n, DuplicatePolicy.LAST);
  }

  public IdIndex users() {
    return users;
  }

  public IdIndex items() {
    return items;
  }

  public int numUsers() {
    return users.size();
  }

  public int numItems() {
    return items.size();
  }

  /** Number of (deduplicated) interactions. */
  public long size() {
    return size;
  }

  /** Input rows dropped as invalid. */
  public long invalidRows() {
    return invalidRows;
  }

  /**
   * A 64-bit fingerprint of the encoded pairs and values, independent of partitioning and row
   * order (unlike {@link Interactions#fingerprint()}, which is order-dependent): equal data,
   * equal fingerprint.
   */
  public long fingerprint() {
    return fingerprint;
  }

  public boolean hasTimestamps() {
    return hasTimestamps;
  }

  /** The encoded interactions, cached. */
  public JavaRDD<InteractionChunk> chunks() {
    return chunks;
  }

  /** Drops the cached chunks. */
  public void unpersist() {
    chunks.unpersist(false);
  }
}
