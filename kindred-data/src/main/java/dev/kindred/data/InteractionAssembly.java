package dev.kindred.data;

import dev.kindred.core.DuplicatePolicy;
import dev.kindred.core.IdIndex;
import dev.kindred.core.Interactions;
import dev.kindred.math.WorkerPool;
import java.nio.file.Path;
import java.util.ArrayList;
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
  private final List<FileRows> files = new ArrayList<>();
  private List<CsrAssembler.Chunk> current = new ArrayList<>();
  private long currentRows;
  private boolean built;

  /** Adds the next batch of the current file; its ids get global indices now. */
  public void add(RowBatch batch) {
    Objects.requireNonNull(batch, "batch");
    checkOpen();
    current.add(new CsrAssembler.Chunk(batch.user, batch.item, batch.value, batch.ts, batch.rows,
        toGlobal(batch.users, userIds), toGlobal(batch.items, itemIds)));
    currentRows += batch.rows;
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
      if ((c.ts() != null) != hasTimestamps) {
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
    IdIndex users = userIds.build();
    IdIndex items = itemIds.build();
    List<LoadResult> results = new ArrayList<>(files.size());
    for (FileRows f : files) {
      Interactions data = CsrAssembler.assemble(users, items, users.size(), items.size(), f.chunks(),
          f.hasTimestamps(), duplicates, workers);
      results.add(new LoadResult(data, f.rows(), f.skipped(), f.examples(), f.file()));
    }
    files.clear();
    return results;
  }

  private void checkOpen() {
    if (built) {
      throw new IllegalStateException("already built");
    }
  }

  private static int[] toGlobal(LocalIds local, IdIndex.Builder global) {
    int[] map = new int[local.size()];
    for (int k = 0; k < map.length; k++) {
      map[k] = local.isString(k) ? global.add(local.stringId(k)) : global.add(local.numericId(k));
    }
    return map;
  }
}
