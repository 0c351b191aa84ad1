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
 * local id tables. Not thread-safe: one thread fills one batch.
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
   * Appends a row of local user and item numbers (from this batch's {@code userOf} /
   * {@code itemOf}); {@code timestamp} is ignored when the batch has no timestamps.
   */
  public void add(int localUser, int localItem, float rowValue, long timestamp) {
    if (rows == user.length) {
      int cap = rows + (rows >> 1) + 16;
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
