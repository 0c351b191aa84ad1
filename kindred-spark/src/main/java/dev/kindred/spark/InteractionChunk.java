package dev.kindred.spark;

import java.io.Serializable;
import java.util.Objects;

/**
 * A run of encoded interactions held as parallel primitive arrays: the element type of
 * {@link SparkInteractions#chunks()}. Twelve bytes per interaction (sixteen more with timestamps)
 * instead of an object per record.
 *
 * <p>Invariants (checked in the constructor): {@code users}, {@code items} and {@code values} have
 * the same length {@code size()}; {@code timestamps} is null or of that length too; indices are
 * {@code >= 0}. Arrays are taken without copying and must not be modified afterwards.
 */
public final class InteractionChunk implements Serializable {

  private static final long serialVersionUID = 1L;

  /** Interactions per chunk the encoder aims for: 1 MiB of indices and values. */
  public static final int TARGET_SIZE = 1 << 16;

  private final int[] users;
  private final int[] items;
  private final float[] values;
  private final long[] timestamps;

  public InteractionChunk(int[] users, int[] items, float[] values, long[] timestamps) {
    this.users = Objects.requireNonNull(users, "users");
    this.items = Objects.requireNonNull(items, "items");
    this.values = Objects.requireNonNull(values, "values");
    this.timestamps = timestamps;
    int n = users.length;
    if (items.length != n || values.length != n || (timestamps != null && timestamps.length != n)) {
      throw new IllegalArgumentException("InteractionChunk: arrays must be parallel, got users " + n + ", items "
          + items.length + ", values " + values.length + ", timestamps "
          + (timestamps == null ? "none" : timestamps.length));
    }
    for (int j = 0; j < n; j++) {
      if (users[j] < 0 || items[j] < 0) {
        throw new IllegalArgumentException("InteractionChunk: negative index at " + j + ": (" + users[j] + ", "
            + items[j] + ")");
      }
    }
  }

  public int size() {
    return users.length;
  }

  public int user(int j) {
    return users[j];
  }

  public int item(int j) {
    return items[j];
  }

  public float value(int j) {
    return values[j];
  }

  /** The timestamp of entry {@code j}; {@link Long#MIN_VALUE} when the data has none. */
  public long timestamp(int j) {
    return timestamps == null ? Long.MIN_VALUE : timestamps[j];
  }

  public boolean hasTimestamps() {
    return timestamps != null;
  }

  /** This chunk with {@code newValues} (one per entry); users, items and timestamps are shared. */
  InteractionChunk withValues(float[] newValues) {
    return new InteractionChunk(users, items, newValues, timestamps);
  }
}
