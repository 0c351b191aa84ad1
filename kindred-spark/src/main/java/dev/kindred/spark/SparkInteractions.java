package dev.kindred.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.split;

import dev.kindred.core.DuplicatePolicy;
import dev.kindred.core.IdIndex;
import dev.kindred.core.Interactions;
import dev.kindred.data.ColumnMapping;
import dev.kindred.data.InteractionFormat;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

/**
 * Interactions read from any Spark source, with external ids mapped to dense {@code int}
 * indices: the distributed counterpart of kindred-core's {@link Interactions}.
 *
 * <p>Id mapping (deterministic): the distinct user (item) ids meet on the cluster through one
 * shuffle and go to the driver, which sorts them (numerically when every id is a canonical decimal
 * long, as kindred-core's {@link IdIndex} keeps them; else in code point order) and numbers them
 * {@code 0..n-1} in that order. The sorted lists are broadcast and every row is encoded by binary
 * search, so the same data always gives the same indices, whatever its partitioning or row order.
 * The driver keeps the ids as two {@link IdIndex}es, because the model file stores them: about
 * {@code 32 n} bytes for {@code n} numeric ids, {@code 80 + 2 len} bytes per string id; each
 * executor holds the two sorted lists while encoding ({@code 8 n} bytes numeric, the strings otherwise).
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

  private static final Pattern WHITESPACE = Pattern.compile("\\s+");

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

  /**
   * {@link #read} then {@link #from} with {@link #STANDARD} columns (or {@code columns} for named
   * formats). A {@code lightgcn} file is parsed line by line in plain Java instead (the rows of
   * {@link #read}; a line is split on any whitespace, and {@code mapping} does not apply to this
   * format): Spark SQL's plan for it (split, slice, explode) costs about 20 times more.
   */
  public static SparkInteractions load(SparkSession spark, String path, String format, ColumnMapping mapping,
      Columns columns, DuplicatePolicy duplicates, StorageLevel level) {
    if (format.trim().equalsIgnoreCase(InteractionFormat.LIGHTGCN.cliName())) {
      JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
      int parts = sc.defaultParallelism();
      // spark.read resolves the path (globs, folders; a missing one is an AnalysisException, as for the other formats).
      String files = String.join(",", spark.read().text(path).inputFiles());
      JavaRDD<RawRow> rows = sc.textFile(files, parts).mapPartitions(SparkInteractions::lightGcnRows);
      return encode(sc, rows, parts, false, duplicates, level, "lightgcn " + path);
    }
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
   * Encodes a dataset: builds the two id mappings, encodes every row and resolves duplicates, in
   * two Spark jobs of two stages each. (1) Every partition's distinct ids and its count of invalid
   * rows meet through one shuffle and go to the driver, which sorts them and broadcasts the sorted
   * lists. (2) The source is read again and each row encoded by binary search into compact
   * {@link EncodedRows} batches bound for partition {@code user mod P}, which resolves that user's
   * duplicate pairs ({@link DuplicateResolver}) and holds its chunks, cached; a fold counts them.
   * {@code P} is the context's default parallelism. Only ids (once each) and 20-28 bytes per row
   * cross the network.
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
    Column u = functions.trim(col(columns.user()).cast(DataTypes.StringType));
    Column i = functions.trim(col(columns.item()).cast(DataTypes.StringType));
    Column valid = u.isNotNull().and(i.isNotNull()).and(functions.length(u).gt(0)).and(functions.length(i).gt(0))
        .and(v.isNotNull()).and(functions.not(functions.isnan(v)))
        .and(functions.abs(v).notEqual(lit(Float.POSITIVE_INFINITY)));
    // A null user marks an invalid row. No shuffle in this plan: both jobs of encode read it afresh.
    JavaRDD<RawRow> rows = df.select(functions.when(valid, u).as("u"), i.as("i"), v.as("v"),
        functions.coalesce(t, lit(Long.MIN_VALUE)).as("t")).javaRDD()
        .map(r -> r.isNullAt(0) ? RawRow.INVALID : new RawRow(r.getString(0), r.getString(1), r.getFloat(2), r.getLong(3)));
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(df.sparkSession().sparkContext());
    return encode(sc, rows, sc.defaultParallelism(), hasTs, duplicates, level, "columns " + columns);
  }

  /** One source row as the encoder reads it; a null user marks a row dropped as invalid. */
  private record RawRow(String user, String item, float value, long timestamp) implements java.io.Serializable {
    static final RawRow INVALID = new RawRow(null, null, 0f, Long.MIN_VALUE);
  }

  /** A lightgcn part's rows: {@code user item item ...} per line, whitespace-separated, value 1. */
  private static Iterator<RawRow> lightGcnRows(Iterator<String> lines) {
    return new Iterator<>() {
      private String[] fields = new String[0];
      private int next = 1;

      @Override
      public boolean hasNext() {
        while (next >= fields.length && lines.hasNext()) {
          String line = lines.next().strip();
          fields = line.isEmpty() ? new String[0] : WHITESPACE.split(line);
          next = 1;
        }
        return next < fields.length;
      }

      @Override
      public RawRow next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return new RawRow(fields[0], fields[next++], 1f, Long.MIN_VALUE);
      }
    };
  }

  /**
   * The two jobs of {@link #from}: ids to the driver, then the encoded and deduplicated chunks.
   * {@code rows} is read twice and never cached.
   */
  private static SparkInteractions encode(JavaSparkContext sc, JavaRDD<RawRow> rows, int parts, boolean hasTs,
      DuplicatePolicy duplicates, StorageLevel level, String source) {
    List<String> tagged = rows.mapPartitionsWithIndex(SparkInteractions::distinctIds, false).distinct(parts)
        .collect();
    List<String> userIds = new ArrayList<>();
    List<String> itemIds = new ArrayList<>();
    long invalid = 0;
    for (String s : tagged) {
      switch (s.charAt(0)) {
        case 'u' -> userIds.add(s.substring(1));
        case 'i' -> itemIds.add(s.substring(1));
        default -> invalid += Long.parseLong(s.substring(s.indexOf(':') + 1));
      }
    }
    if (invalid > 0) {
      LOG.warn("{} rows dropped: null or empty id, or a value that is not a finite number", invalid);
    }
    if (userIds.isEmpty()) {
      throw new IllegalArgumentException("no valid interactions in the data (" + source + ")");
    }
    SortedIds users = SortedIds.of(userIds, "user");
    SortedIds items = SortedIds.of(itemIds, "item");
    Broadcast<SortedIds> bu = sc.broadcast(users);
    Broadcast<SortedIds> bi = sc.broadcast(items);
    int chunkSize = InteractionChunk.TARGET_SIZE;
    JavaRDD<Tuple2<Integer, EncodedRows>> batches = rows.mapPartitionsWithIndex(
        (p, it) -> new RowEncoder(it, p, bu.value(), bi.value(), hasTs, parts), false);
    JavaRDD<InteractionChunk> chunks = JavaPairRDD.fromJavaRDD(batches).partitionBy(new HashPartitioner(parts))
        .values().mapPartitions(b -> DuplicateResolver.resolve(b, duplicates, hasTs, chunkSize).iterator())
        .persist(level);
    long[] stats = chunks.map(SparkInteractions::chunkStats).fold(new long[2], SparkInteractions::addStats);
    IdIndex userIndex = users.toIdIndex();
    IdIndex itemIndex = items.toIdIndex();
    long fp = 0x9E3779B97F4A7C15L ^ userIndex.size() * 31L ^ itemIndex.size();
    fp = mix(fp + stats[1]);
    LOG.info("encoded {} interactions: {} users x {} items, {} chunks", stats[0], userIndex.size(), itemIndex.size(),
        chunks.getNumPartitions());
    return new SparkInteractions(userIndex, itemIndex, chunks, stats[0], invalid, fp, hasTs);
  }

  /**
   * A partition's distinct ids tagged {@code u} (user) or {@code i} (item), and its count of
   * invalid rows tagged {@code #partition:} (so that equal counts of two partitions stay apart).
   */
  private static Iterator<String> distinctIds(int partition, Iterator<RawRow> rows) {
    Set<String> out = new HashSet<>();
    long invalid = 0;
    while (rows.hasNext()) {
      RawRow r = rows.next();
      if (r.user() == null) {
        invalid++;
      } else {
        out.add("u" + r.user());
        out.add("i" + r.item());
      }
    }
    if (invalid > 0) {
      out.add("#" + partition + ":" + invalid);
    }
    return out.iterator();
  }

  /**
   * Encodes one input partition's valid rows into batches keyed by destination partition
   * ({@code user mod parts}); a batch is emitted when full, the rest at the end. The input
   * position {@code partition << 33 | row} (as Spark's {@code monotonically_increasing_id}) orders
   * duplicates for {@link DuplicatePolicy#LAST}.
   */
  private static final class RowEncoder implements Iterator<Tuple2<Integer, EncodedRows>> {
    private static final int BATCH = 1 << 14;
    private final Iterator<RawRow> rows;
    private final SortedIds users;
    private final SortedIds items;
    private final boolean hasTs;
    private final EncodedRows[] open;
    private final ArrayDeque<Tuple2<Integer, EncodedRows>> ready = new ArrayDeque<>();
    private long position;
    private boolean flushed;

    RowEncoder(Iterator<RawRow> rows, int partition, SortedIds users, SortedIds items, boolean hasTs, int parts) {
      this.rows = rows;
      this.users = users;
      this.items = items;
      this.hasTs = hasTs;
      this.open = new EncodedRows[parts];
      this.position = (long) partition << 33;
    }

    @Override
    public boolean hasNext() {
      while (ready.isEmpty() && rows.hasNext()) {
        RawRow r = rows.next();
        long at = position++;
        if (r.user() == null) {
          continue;
        }
        int user = index(users, r.user());
        int dest = user % open.length;
        if (open[dest] == null) {
          open[dest] = new EncodedRows(BATCH, hasTs);
        }
        open[dest].add(user, index(items, r.item()), r.value(), r.timestamp(), at);
        if (open[dest].size() == BATCH) {
          ready.add(new Tuple2<>(dest, open[dest]));
          open[dest] = null;
        }
      }
      if (ready.isEmpty() && !flushed) {
        flushed = true;
        for (int p = 0; p < open.length; p++) {
          if (open[p] != null) {
            ready.add(new Tuple2<>(p, open[p]));
            open[p] = null;
          }
        }
      }
      return !ready.isEmpty();
    }

    @Override
    public Tuple2<Integer, EncodedRows> next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      return ready.poll();
    }
  }

  private static int index(SortedIds ids, String id) {
    int j = ids.indexOf(id);
    if (j < 0) {
      throw new IllegalStateException("id '" + id + "' missing from the collected ids: the input changed between jobs");
    }
    return j;
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

  /**
   * Interactions derived from these ({@link SparkInputs}: values set to 1, a k-core) on
   * {@code newChunks}, which the caller has cached: counts and fingerprints them in one pass.
   */
  SparkInteractions derived(IdIndex newUsers, IdIndex newItems, JavaRDD<InteractionChunk> newChunks) {
    long[] stats = newChunks.map(SparkInteractions::chunkStats).fold(new long[2], SparkInteractions::addStats);
    long fp = mix((0x9E3779B97F4A7C15L ^ newUsers.size() * 31L ^ newItems.size()) + stats[1]);
    return new SparkInteractions(newUsers, newItems, newChunks, stats[0], invalidRows, fp, hasTimestamps);
  }

  /** Drops the cached chunks. */
  public void unpersist() {
    chunks.unpersist(false);
  }
}
