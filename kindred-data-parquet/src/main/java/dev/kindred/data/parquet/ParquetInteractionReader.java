package dev.kindred.data.parquet;

import dev.kindred.data.DataFormatException;
import dev.kindred.data.InteractionAssembly;
import dev.kindred.data.LoadResult;
import dev.kindred.data.NamedColumns;
import dev.kindred.data.ReadOptions;
import dev.kindred.data.RowBatch;
import dev.kindred.math.WorkerPool;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.schema.MessageType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads Parquet interaction files into {@link dev.kindred.core.Interactions}, with columns found
 * by name ({@link NamedColumns}; by default {@code user, item, value, ts}).
 *
 * <p>Columns: user and item ids may be INT32, INT64 or BINARY (UTF-8 text; a text id that spells
 * a canonical long is kept as that number, as the text readers do, so the same ids in TSV and in
 * Parquet give the same indices); the value may be FLOAT, DOUBLE, INT32 or INT64 and is optional
 * (every value is 1 without it, or with {@link ReadOptions#implicit()}); the timestamp may be
 * INT32 or INT64 (its raw integer, whatever unit a logical type names) and is optional. With the
 * default mapping a missing value or ts column means "absent"; a column named explicitly must
 * exist. Columns must be top-level and not repeated; other columns are not read at all.
 *
 * <p>Bad input: a missing column, a column of another type or a nested or repeated one fails
 * before any row is read, with the file, the column and what was expected. A null id or value, or
 * a value that is not finite, fails the read with a {@link DataFormatException} naming the file
 * and the 1-based row, or is skipped and counted with {@link ReadOptions#skipInvalid()}.
 * Duplicates are merged by {@link ReadOptions#duplicates()} as for text files.
 *
 * <p>Cost: every (row group, column) chunk is decoded as a task of its own by
 * {@link ReadOptions#threads()} threads, largest first ({@link DecodedColumn}: dictionary indices
 * unpacked in bulk, an id numbered once per dictionary entry, plain numbers copied in bulk), straight
 * into the arrays that become the row group's {@link RowBatch} (20 bytes per row with timestamps);
 * the batches go in row-group order to the {@link InteractionAssembly} the text readers use, which
 * numbers their ids globally, then the rows are scattered into CSR form by the same threads. Only
 * the used columns are read. The file's row count is checked against what one
 * {@code Interactions} can hold before anything is decoded. Peak memory: the batches plus one
 * column chunk's pages per thread while decoding, then no more than the finished
 * {@code Interactions} while assembling (see {@code CsrAssembler}). Results do not depend on the
 * thread count. Methods are safe to call concurrently.
 */
public final class ParquetInteractionReader {

  private static final Logger LOG = LoggerFactory.getLogger(ParquetInteractionReader.class);

  private ParquetInteractionReader() {}

  /** Reads one Parquet file. */
  public static LoadResult read(Path file, NamedColumns columns, ReadOptions opts) throws IOException {
    return readShared(List.of(file), columns, opts).getFirst();
  }

  /**
   * Reads several files (e.g. train and test) onto one user and one item index, as
   * {@link dev.kindred.data.InteractionReader#readShared} does for text files.
   */
  public static List<LoadResult> readShared(List<Path> files, NamedColumns columns, ReadOptions opts)
      throws IOException {
    Objects.requireNonNull(columns, "columns");
    Objects.requireNonNull(opts, "opts");
    if (files.isEmpty()) {
      throw new IllegalArgumentException("no files to read");
    }
    long t0 = System.nanoTime();
    InteractionAssembly assembly = new InteractionAssembly(opts.hashUserBuckets());
    int threads = opts.threads() > 0 ? opts.threads()
        : Math.min(ReadOptions.MAX_AUTO_THREADS, Runtime.getRuntime().availableProcessors());
    try (WorkerPool workers = WorkerPool.create(threads, "kindred-parquet")) {
      for (Path file : files) {
        readFile(Objects.requireNonNull(file, "file"), columns, opts, workers, assembly);
      }
      long t1 = System.nanoTime();
      List<LoadResult> results = assembly.build(opts.duplicates(), workers);
      LOG.debug("read {} Parquet file(s) in {} ms: decode {} ms, CSR {} ms with {} thread(s)", files.size(),
          (System.nanoTime() - t0) / 1_000_000, (t1 - t0) / 1_000_000, (System.nanoTime() - t1) / 1_000_000, threads);
      return results;
    }
  }

  /**
   * Decodes every (row group, column) chunk as a task of its own on the workers, largest first,
   * each reader thread with its own file reader; id columns are numbered per row group as they
   * decode (users and items in separate tables, so in parallel). The decoded arrays become the row
   * groups' batches as they are, added to the assembly in row-group order, so indices and the
   * first error reported do not depend on the thread count. A row group with a null or a value
   * that is not finite is decoded again row by row ({@link #readRowGroup}), which reports or skips
   * those rows and numbers only the ids of the rows kept.
   */
  private static void readFile(Path file, NamedColumns columns, ReadOptions opts, WorkerPool workers,
      InteractionAssembly assembly) throws IOException {
    ParquetColumnPlan plan;
    long[] firstRow;
    long[][] chunkBytes;
    try (ParquetFileReader reader = open(file)) {
      plan = ParquetColumnPlan.resolve(file, reader.getFooter().getFileMetaData().getSchema(), columns, opts.implicit());
      List<BlockMetaData> groups = reader.getRowGroups();
      firstRow = new long[groups.size() + 1];
      chunkBytes = new long[groups.size()][];
      for (int g = 0; g < groups.size(); g++) {
        BlockMetaData b = groups.get(g);
        firstRow[g + 1] = firstRow[g] + b.getRowCount();
        chunkBytes[g] = plan.columns().stream().mapToLong(c -> b.getColumns().stream()
            .filter(m -> m.getPath().equals(c.descriptor().getPath())).mapToLong(m -> m.getTotalSize()).sum())
            .toArray();
      }
    }
    int groups = firstRow.length - 1;
    assembly.reserve(firstRow[groups]);
    List<ParquetColumn> used = plan.columns();
    RowBatch[] batches = new RowBatch[groups];
    for (int g = 0; g < groups; g++) {
      checkRowGroupSize(file, g, firstRow[g + 1] - firstRow[g]);
      batches[g] = new RowBatch(0, plan.timestamp() != null);
    }
    Integer[] order = new Integer[groups * used.size()];
    Arrays.setAll(order, t -> t);
    Arrays.sort(order, Comparator.comparingLong(t -> -chunkBytes[t / used.size()][t % used.size()]));
    DecodedColumn[][] decoded = new DecodedColumn[groups][used.size()];
    boolean[] invalid = new boolean[groups];
    ParquetFileReader[] readers = new ParquetFileReader[workers.threads()];
    try {
      workers.forEachShared(order.length, (w, k) -> {
        int g = order[k] / used.size();
        int c = order[k] % used.size();
        ParquetColumn column = used.get(c);
        try {
          long t0 = System.nanoTime();
          if (readers[w] == null) {
            readers[w] = open(file);
          }
          readers[w].setRequestedSchema(new MessageType("column", plan.projection().getType(column.name())));
          PageReadStore pages = readers[w].readRowGroup(g);
          DecodedColumn d = DecodedColumn.decode(pages.getPageReader(column.descriptor()), column,
              (int) pages.getRowCount(), numbering(column, batches[g]));
          decoded[g][c] = d;
          if (d.hasInvalidRows()) {
            invalid[g] = true;
          }
          LOG.debug("row group {} column '{}': {} ms", g, column.name(), (System.nanoTime() - t0) / 1_000_000);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    } catch (UncheckedIOException e) {
      throw e.getCause();
    } finally {
      for (ParquetFileReader r : readers) {
        if (r != null) {
          r.close();
        }
      }
    }
    RowProblems[] problems = new RowProblems[groups];
    for (int g = 0; g < groups; g++) {
      problems[g] = new RowProblems(file, opts.skipInvalid());
      if (invalid[g]) {
        batches[g] = readRowGroup(file, plan, g, firstRow[g], problems[g]);
      } else {
        int n = (int) (firstRow[g + 1] - firstRow[g]);
        DecodedColumn[] d = decoded[g];
        float[] values = plan.value() == null ? ones(n) : d[used.indexOf(plan.value())].floats;
        long[] ts = plan.timestamp() == null ? null : d[used.indexOf(plan.timestamp())].longs;
        batches[g].setColumns(d[0].locals, d[1].locals, values, ts, n);
      }
      decoded[g] = null;
      assembly.add(batches[g]);
      batches[g] = null;
    }
    long skipped = 0;
    List<String> examples = new ArrayList<>();
    for (RowProblems p : problems) {
      skipped += p.skipped();
      examples.addAll(p.examples());
    }
    if (skipped > 0) {
      LOG.info("{}: skipped {} invalid row(s), first: {}", file, skipped, examples.getFirst());
    }
    assembly.endFile(file, plan.timestamp() != null, skipped, examples);
  }

  /** The batch's user or item numbering for an id column, null for the others. */
  private static DecodedColumn.IdNumbering numbering(ParquetColumn column, RowBatch batch) {
    return switch (column.role()) {
      case USER -> new BatchIds(batch, true);
      case ITEM -> new BatchIds(batch, false);
      default -> null;
    };
  }

  /** A batch's user ({@code user}) or item numbering. */
  private record BatchIds(RowBatch batch, boolean user) implements DecodedColumn.IdNumbering {
    @Override
    public int of(long id) {
      return user ? batch.userOf(id) : batch.itemOf(id);
    }

    @Override
    public int ofUtf8(byte[] utf8, int from, int to) {
      return user ? batch.userOf(utf8, from, to) : batch.itemOf(utf8, from, to);
    }
  }

  private static float[] ones(int n) {
    float[] v = new float[n];
    Arrays.fill(v, 1f);
    return v;
  }

  private static void checkRowGroupSize(Path file, int index, long rows) throws IOException {
    if (rows > Integer.MAX_VALUE - 16) {
      throw new IOException(file + ": row group " + index + " has " + rows + " rows; at most "
          + (Integer.MAX_VALUE - 16) + " are supported");
    }
  }

  /**
   * Decodes row group {@code index} row by row with a reader of its own (a reader is not
   * thread-safe): the reference path, taken for row groups with invalid rows.
   */
  private static RowBatch readRowGroup(Path file, ParquetColumnPlan plan, int index, long firstRow,
      RowProblems problems) throws IOException {
    try (ParquetFileReader reader = open(file)) {
      reader.setRequestedSchema(plan.projection());
      PageReadStore pages = reader.readRowGroup(index);
      checkRowGroupSize(file, index, pages.getRowCount());
      int n = (int) pages.getRowCount();
      DecodedColumn user = decode(pages, plan.user(), n);
      DecodedColumn item = decode(pages, plan.item(), n);
      DecodedColumn value = decode(pages, plan.value(), n);
      DecodedColumn ts = decode(pages, plan.timestamp(), n);
      RowBatch batch = new RowBatch(n, ts != null);
      for (int r = 0; r < n; r++) {
        String problem = user.isNull(r) ? plan.user().nullMessage()
            : item.isNull(r) ? plan.item().nullMessage()
            : value != null && value.isNull(r) ? plan.value().nullMessage()
            : ts != null && ts.isNull(r) ? plan.timestamp().nullMessage()
            : value != null && !Float.isFinite(value.floats[r])
                ? plan.value().describe() + " is " + value.floats[r] + ", not a finite number"
            : null;
        if (problem != null) {
          problems.report(firstRow + r + 1, problem);
          continue;
        }
        batch.add(localId(user, r, batch, true), localId(item, r, batch, false), value == null ? 1f : value.floats[r],
            ts == null ? 0 : ts.longs[r]);
      }
      return batch;
    }
  }

  /** Opens the file; a file that is not Parquet fails with a message naming it. */
  private static ParquetFileReader open(Path file) throws IOException {
    ParquetReadOptions readOptions = ParquetReadOptions.builder(new PlainParquetConfiguration())
        .withCodecFactory(LocalCodecs.INSTANCE).build();
    try {
      return ParquetFileReader.open(new LocalInputFile(file), readOptions);
    } catch (RuntimeException e) {
      // parquet-java names the InputFile object, not the path, in its message
      throw new IOException(file + ": not a readable Parquet file (" + e.getMessage().replaceFirst("^\\S+ ", "") + ")", e);
    }
  }

  /** Row {@code r}'s id in {@code ids}, numbered in {@code batch}'s user or item ids. */
  private static int localId(DecodedColumn ids, int r, RowBatch batch, boolean user) {
    BatchIds numbering = new BatchIds(batch, user);
    if (ids.longs != null) {
      return numbering.of(ids.longs[r]);
    }
    byte[] text = ids.binaries[r].getBytesUnsafe();
    return numbering.ofUtf8(text, 0, text.length);
  }

  private static DecodedColumn decode(PageReadStore pages, ParquetColumn column, int rows) throws IOException {
    return column == null ? null : DecodedColumn.decode(pages.getPageReader(column.descriptor()), column, rows, null);
  }

  /** Invalid rows of one file: fatal, or counted with the first few kept as examples. */
  private static final class RowProblems {
    private final Path file;
    private final boolean skipInvalid;
    private final List<String> examples = new ArrayList<>();
    private long skipped;

    RowProblems(Path file, boolean skipInvalid) {
      this.file = file;
      this.skipInvalid = skipInvalid;
    }

    void report(long row, String problem) {
      DataFormatException e = DataFormatException.atRow(file, row, problem);
      if (!skipInvalid) {
        throw e;
      }
      skipped++;
      if (examples.size() < LoadResult.MAX_EXAMPLES) {
        examples.add(e.getMessage());
      }
    }

    long skipped() {
      return skipped;
    }

    List<String> examples() {
      return examples;
    }
  }
}
