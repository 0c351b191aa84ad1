package dev.kindred.spark;

import java.io.Serializable;
import java.util.Arrays;

/**
 * Encoded input rows on their way to the partition that resolves their duplicates: the shuffle
 * unit of {@link SparkInteractions#from}. Parallel primitive arrays, 20 bytes a row (28 with
 * timestamps), one Java-serialised object per batch instead of one per row.
 *
 * <p>Invariants: {@code users}, {@code items}, {@code values} and {@code order} have length
 * {@code size()}; {@code timestamps} is null (the data has none) or of that length too;
 * {@code order[j]} is the row's unique input position (partition in the high bits), the tie-break
 * of {@link dev.kindred.core.DuplicatePolicy#LAST}. Filled through {@link #add}, then shipped and
 * read; not thread-safe while filling.
 */
final class EncodedRows implements Serializable {

  private static final long serialVersionUID = 1L;

  private int[] users;
  private int[] items;
  private float[] values;
  private long[] timestamps;
  private long[] order;
  private int size;

  EncodedRows(int capacity, boolean hasTimestamps) {
    users = new int[capacity];
    items = new int[capacity];
    values = new float[capacity];
    timestamps = hasTimestamps ? new long[capacity] : null;
    order = new long[capacity];
  }

  void add(int user, int item, float value, long timestamp, long position) {
    if (size == users.length) {
      int grown = Math.max(16, size * 2);
      users = Arrays.copyOf(users, grown);
      items = Arrays.copyOf(items, grown);
      values = Arrays.copyOf(values, grown);
      timestamps = timestamps == null ? null : Arrays.copyOf(timestamps, grown);
      order = Arrays.copyOf(order, grown);
    }
    users[size] = user;
    items[size] = item;
    values[size] = value;
    if (timestamps != null) {
      timestamps[size] = timestamp;
    }
    order[size] = position;
    size++;
  }

  int size() {
    return size;
  }

  int user(int j) {
    return users[j];
  }

  int item(int j) {
    return items[j];
  }

  float value(int j) {
    return values[j];
  }

  /** {@link Long#MIN_VALUE} when the data has no timestamps. */
  long timestamp(int j) {
    return timestamps == null ? Long.MIN_VALUE : timestamps[j];
  }

  long order(int j) {
    return order[j];
  }

  /** Trims the arrays to {@link #size()} before shipping. */
  private Object writeReplace() {
    if (size < users.length) {
      users = Arrays.copyOf(users, size);
      items = Arrays.copyOf(items, size);
      values = Arrays.copyOf(values, size);
      timestamps = timestamps == null ? null : Arrays.copyOf(timestamps, size);
      order = Arrays.copyOf(order, size);
    }
    return this;
  }
}
