package dev.kindred.data;

import java.util.Arrays;
import java.util.Objects;

/**
 * Rows of one contiguous part of an input file (a byte range of a text file, a row group of a
 * Parquet file), with ids numbered locally in order of first appearance in the part. A reader
 * fills batches and hands them, in file order, to {@link InteractionAssembly}, which maps the
 * local numbers to global indices; the global order of first appearance therefore does not
 * depend on how the file was cut or how many threads filled the batches.
 *
 * <p>Ids: {@link #userOf(long)} for canonical long ids, {@link #userOf(String)} for any other id
 * (a string that spells a canonical long must go through the long method, as
 * {@link dev.kindred.core.IdIndex} keeps such ids as numbers; {@link #userOf(byte[], int, int)}
 * decides that from UTF-8 bytes). Memory: 20 bytes per row (12 without timestamps) plus the
 * local id tables. Not thread-safe: one thread fills one batch, except that user and item ids are
 * numbered in separate tables, so one thread may call the {@code userOf} methods while another
 * calls the {@code itemOf} methods (a columnar reader numbers the two id columns in parallel).
 */
public final class RowBatch {

  final LocalIds users = new LocalIds();
  final LocalIds items = new LocalIds();
  int[] user;
  int[] item;
  float[] value;
  long[] ts; // null without timestamps
  int rows;

  /**
   * @param expectedRows initial capacity (the batch grows past it)
   * @param hasTimestamps whether rows carry a timestamp
   */
  public RowBatch(int expectedRows, boolean hasTimestamps) {
    int cap = Math.max(16, expectedRows);
    user = new int[cap];
    item = new int[cap];
    value = new float[cap];
    ts = hasTimestamps ? new long[cap] : null;
  }

  /** Rows added so far. */
  public int size() {
    return rows;
  }

  public boolean hasTimestamps() {
    return ts != null;
  }

  /** Local number of a canonical long user id. */
  public int userOf(long id) {
    return users.of(id);
  }

  /** Local number of a user id that is not a canonical long. */
  public int userOf(String id) {
    return users.of(Objects.requireNonNull(id, "id"));
  }

  /** Local number of a user id given as UTF-8 bytes {@code [from, to)}: a number when it spells a canonical long. */
  public int userOf(byte[] utf8, int from, int to) {
    return users.ofUtf8(utf8, from, to);
  }

  /** Local number of a canonical long item id. */
  public int itemOf(long id) {
    return items.of(id);
  }

  /** Local number of an item id that is not a canonical long. */
  public int itemOf(String id) {
    return items.of(Objects.requireNonNull(id, "id"));
  }

  /** Local number of an item id given as UTF-8 bytes {@code [from, to)}: a number when it spells a canonical long. */
  public int itemOf(byte[] utf8, int from, int to) {
    return items.ofUtf8(utf8, from, to);
  }

  /**
   * Makes the batch's rows the given columns, taken without copying (a columnar reader decodes
   * straight into them instead of adding row by row); rows added before are replaced. The user
   * and item numbers must come from this batch's {@code userOf} / {@code itemOf}.
   *
   * @param ts the timestamps, null exactly when the batch has none
   * @throws IllegalArgumentException if a column is shorter than {@code rows}, {@code ts} does not
   *     match the batch, or a number was not given out by this batch
   */
  public void setColumns(int[] userColumn, int[] itemColumn, float[] valueColumn, long[] tsColumn, int rowCount) {
    if (rowCount < 0 || userColumn.length < rowCount || itemColumn.length < rowCount || valueColumn.length < rowCount
        || (tsColumn != null && tsColumn.length < rowCount)) {
      throw new IllegalArgumentException("columns shorter than the " + rowCount + " rows");
    }
    if ((tsColumn != null) != (ts != null)) {
      throw new IllegalArgumentException("timestamps " + (ts != null ? "missing from" : "given to") + " a batch "
          + (ts != null ? "with" : "without") + " them");
    }
    checkNumbers(userColumn, rowCount, users.size(), "user");
    checkNumbers(itemColumn, rowCount, items.size(), "item");
    user = userColumn;
    item = itemColumn;
    value = valueColumn;
    ts = tsColumn;
    rows = rowCount;
  }

  private static void checkNumbers(int[] column, int rowCount, int size, String what) {
    int bad = 0;
    for (int r = 0; r < rowCount; r++) {
      bad |= column[r] | (size - 1 - column[r]); // negative iff some number is outside [0, size)
    }
    if (bad < 0) {
      throw new IllegalArgumentException("a " + what + " number outside the " + size + " this batch gave out");
    }
  }

  /**
   * Appends a row of local user and item numbers (from this batch's {@code userOf} /
   * {@code itemOf}); {@code timestamp} is ignored when the batch has no timestamps.
   */
  public void add(int localUser, int localItem, float rowValue, long timestamp) {
    if (rows == user.length) {
      CsrAssembler.checkRows(rows + 1L, CsrAssembler.MAX_ROWS);
      int cap = (int) Math.min(CsrAssembler.MAX_ROWS, rows + (rows >> 1) + 16L);
      user = Arrays.copyOf(user, cap);
      item = Arrays.copyOf(item, cap);
      value = Arrays.copyOf(value, cap);
      if (ts != null) {
        ts = Arrays.copyOf(ts, cap);
      }
    }
    user[rows] = localUser;
    item[rows] = localItem;
    value[rows] = rowValue;
    if (ts != null) {
      ts[rows] = timestamp;
    }
    rows++;
  }
}
