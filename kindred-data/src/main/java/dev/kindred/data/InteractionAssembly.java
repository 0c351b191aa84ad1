package dev.kindred.data;

import dev.kindred.core.DuplicatePolicy;
import dev.kindred.core.IdIndex;
import dev.kindred.core.Interactions;
import dev.kindred.math.WorkerPool;
import it.unimi.dsi.fastutil.longs.LongOpenHashSet;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Objects;

/**
 * Turns the {@link RowBatch}es of one or more files into {@link Interactions} on one shared pair
 * of id indices: the step every reader ends with (the text readers of {@link InteractionReader}
 * and the Parquet reader alike), so all give the same indices for the same rows.
 *
 * <p>Use: for each file, {@link #add} its batches in file order, then {@link #endFile}; finally
 * {@link #build}. {@code add} numbers the batch's new ids globally at once (users and items in
 * order of first appearance, across files in order) and keeps only its row arrays and two small
 * maps, so a reader can stream a file batch by batch (a Parquet row group at a time) without
 * holding its local id tables. {@code build} scatters the rows into CSR form in parallel
 * ({@link CsrAssembler}); rows are never copied into one array first.
 *
 * <p>With hashed user ids ({@link #InteractionAssembly(int)}) the user index is
 * {@link IdIndex#hashed}: a user id's index is its bucket, and the distinct ids are counted (a set
 * of 64-bit ids, 8-16 bytes per distinct user while reading) to report collisions.
 *
 * <p>Memory: the batches' row arrays (about 20 bytes per row) until {@code build}, then the
 * {@code Interactions}. Not thread-safe: one thread adds batches (batches may be filled by
 * several); {@code build} may be called once.
 */
public final class InteractionAssembly {

  /** One finished file: its chunks and what the reader counted. */
  private record FileRows(Path file, List<CsrAssembler.Chunk> chunks, boolean hasTimestamps, long rows, long skipped,
      List<String> examples) {}

  private final IdIndex.Builder userIds = new IdIndex.Builder();
  private final IdIndex.Builder itemIds = new IdIndex.Builder();
  private final int hashBuckets; // 0: user ids numbered, not hashed
  private final LongOpenHashSet distinctUsers; // hashed only: the user ids seen (text ids by their 64-bit hash)
  private final BitSet usedBuckets; // hashed only
  private final List<FileRows> files = new ArrayList<>();
  private List<CsrAssembler.Chunk> current = new ArrayList<>();
  private long currentRows;
  private final long maxRows;
  private boolean built;

  /** User ids numbered in order of first appearance. */
  public InteractionAssembly() {
    this(0);
  }

  /**
   * @param hashUserBuckets 0 to number user ids in order of first appearance, else the number of
   *     buckets they are hashed into ({@link ReadOptions#hashUserBuckets()})
   */
  public InteractionAssembly(int hashUserBuckets) {
    this(hashUserBuckets, CsrAssembler.MAX_ROWS);
  }

  /** With a smaller row limit than the arrays allow, for tests of the refusal. */
  InteractionAssembly(int hashUserBuckets, long maxRows) {
    this.maxRows = maxRows;
    if (hashUserBuckets < 0) {
      throw new IllegalArgumentException("hashUserBuckets must be >= 0, got " + hashUserBuckets);
    }
    this.hashBuckets = hashUserBuckets;
    this.distinctUsers = hashUserBuckets > 0 ? new LongOpenHashSet() : null;
    this.usedBuckets = hashUserBuckets > 0 ? new BitSet(hashUserBuckets) : null;
  }

  /** Adds the next batch of the current file; its ids get global indices now. */
  public void add(RowBatch batch) {
    Objects.requireNonNull(batch, "batch");
    checkOpen();
    reserve(batch.rows);
    int[] userMap = hashBuckets > 0 ? toBuckets(batch.users) : toGlobal(batch.users, userIds);
    current.add(new CsrAssembler.Chunk(batch.user, batch.item, batch.value, batch.ts, batch.rows,
        userMap, toGlobal(batch.items, itemIds)));
    currentRows += batch.rows;
  }

  /**
   * Checks that {@code rows} more rows of the current file still fit in one {@link Interactions};
   * a reader that knows a file's row count (Parquet metadata) calls it before reading, so an input
   * that cannot be held is refused before any of it is decoded. {@link #add} checks it too.
   *
   * @throws IllegalArgumentException naming the count and the limit (int-indexed arrays)
   */
  public void reserve(long rows) {
    CsrAssembler.checkRows(currentRows + rows, maxRows);
  }

  /**
   * Ends the current file.
   *
   * @param file the file, as the caller named it (for {@link LoadResult#file()})
   * @param hasTimestamps whether the file has a timestamp column; every batch added must agree
   * @param skipped rows the reader skipped as invalid
   * @param skippedExamples the first few skipped-row messages (at most {@link LoadResult#MAX_EXAMPLES} are kept)
   */
  public void endFile(Path file, boolean hasTimestamps, long skipped, List<String> skippedExamples) {
    Objects.requireNonNull(file, "file");
    checkOpen();
    for (CsrAssembler.Chunk c : current) {
      if (c.hasTimestamps() != hasTimestamps) {
        throw new IllegalArgumentException(file + ": a batch " + (hasTimestamps ? "without" : "with")
            + " timestamps in a file " + (hasTimestamps ? "with" : "without") + " them");
      }
    }
    List<String> examples = skippedExamples.subList(0, Math.min(skippedExamples.size(), LoadResult.MAX_EXAMPLES));
    files.add(new FileRows(file, current, hasTimestamps, currentRows, skipped, List.copyOf(examples)));
    current = new ArrayList<>();
    currentRows = 0;
  }

  /**
   * Assembles every ended file, in the order they were ended, on the shared indices.
   *
   * @throws IllegalStateException if batches were added after the last {@link #endFile}, or
   *     when called twice
   */
  public List<LoadResult> build(DuplicatePolicy duplicates, WorkerPool workers) {
    Objects.requireNonNull(duplicates, "duplicates");
    checkOpen();
    if (!current.isEmpty()) {
      throw new IllegalStateException("batches added after the last endFile");
    }
    built = true;
    IdIndex users = hashBuckets > 0 ? IdIndex.hashed(hashBuckets) : userIds.build();
    IdIndex items = itemIds.build();
    long collisions = hashBuckets > 0 ? distinctUsers.size() - (long) usedBuckets.cardinality() : -1;
    List<LoadResult> results = new ArrayList<>(files.size());
    for (FileRows f : files) {
      Interactions data = CsrAssembler.assemble(users, items, users.size(), items.size(), f.chunks(),
          f.hasTimestamps(), duplicates, workers);
      results.add(new LoadResult(data, f.rows(), f.skipped(), f.examples(), f.file(), collisions));
    }
    files.clear();
    return results;
  }

  private void checkOpen() {
    if (built) {
      throw new IllegalStateException("already built");
    }
  }

  /** The buckets of a batch's user ids, counting the distinct ids and the buckets they use. */
  private int[] toBuckets(LocalIds local) {
    int[] map = new int[local.size()];
    for (int k = 0; k < map.length; k++) {
      long id = local.isString(k) ? IdIndex.textHash(local.stringId(k)) : local.numericId(k);
      map[k] = local.isString(k) ? IdIndex.bucketOf(local.stringId(k), hashBuckets) : IdIndex.bucketOf(id, hashBuckets);
      distinctUsers.add(id);
      usedBuckets.set(map[k]);
    }
    return map;
  }

  private static int[] toGlobal(LocalIds local, IdIndex.Builder global) {
    int[] map = new int[local.size()];
    for (int k = 0; k < map.length; k++) {
      map[k] = local.isString(k) ? global.add(local.stringId(k)) : global.add(local.numericId(k));
    }
    return map;
  }
}
