package dev.kindred.data;

import dev.kindred.core.IdIndex;
import dev.kindred.core.Interactions;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Writes {@link Interactions} as text that {@link InteractionReader} reads back.
 *
 * <p>Thread-safety: stateless; the data is only read.
 */
public final class InteractionWriter {

  private InteractionWriter() {}

  /**
   * Writes {@code externalUser \t externalItem \t value [\t timestamp]} per pair, user by user in
   * index order (the timestamp column only when the data has timestamps). Values are written
   * compactly: integral values without a decimal point ({@code 4}), others as the shortest
   * decimal that reads back to the same float ({@code 3.5}, {@code 0.1}). The file appears
   * atomically (temporary file in the same directory, then a rename).
   *
   * <p>Reading the file back with format {@code tsv} gives the same pairs, values and
   * timestamps by external id. Indices match too when every user has a pair and items first
   * appear in index order; users without pairs are not written.
   *
   * @throws IllegalArgumentException if a value is not finite, or an id is empty, has a tab or
   *     line break, starts with {@code #} or has surrounding spaces (it would not read back)
   */
  public static void writeTsv(Interactions data, Path out) throws IOException {
    checkIds(data.userIndex(), data.numUsers(), "user");
    checkIds(data.itemIndex(), data.numItems(), "item");
    float[] values = data.values();
    for (int j = 0; j < values.length; j++) {
      if (!Float.isFinite(values[j])) {
        throw new IllegalArgumentException("value " + values[j] + " at position " + j + " is not finite");
      }
    }
    AtomicFiles.write(out, os -> {
      AsciiWriter w = new AsciiWriter(os);
      IdIndex users = data.userIndex();
      IdIndex items = data.itemIndex();
      int[] ptr = data.userPtr();
      int[] itemIdx = data.itemIdx();
      long[] ts = data.timestamps();
      for (int u = 0; u < data.numUsers(); u++) {
        for (int j = ptr[u]; j < ptr[u + 1]; j++) {
          writeId(w, users, u);
          w.write((byte) '\t');
          writeId(w, items, itemIdx[j]);
          w.write((byte) '\t');
          writeValue(w, values[j]);
          if (ts != null) {
            w.write((byte) '\t');
            w.writeLong(ts[j]);
          }
          w.write((byte) '\n');
        }
      }
      w.flush();
    });
  }

  private static void writeId(AsciiWriter w, IdIndex ids, int i) throws IOException {
    if (ids.isNumeric()) {
      w.writeLong(ids.longId(i));
    } else {
      w.writeString(ids.externalId(i));
    }
  }

  /** Integral values as integers, others in the shortest form that reads back exactly. */
  static void writeValue(AsciiWriter w, float v) throws IOException {
    if (v == Math.rint(v) && Math.abs(v) < 1e15f) {
      if (v == 0 && Float.floatToRawIntBits(v) != 0) {
        w.writeString("-0");
      } else {
        w.writeLong((long) v);
      }
    } else {
      w.writeString(Float.toString(v));
    }
  }

  private static void checkIds(IdIndex ids, int n, String what) {
    if (ids.isNumeric()) {
      return;
    }
    for (int i = 0; i < n; i++) {
      String id = ids.externalId(i);
      if (id.isEmpty() || id.indexOf('\t') >= 0 || id.indexOf('\n') >= 0 || id.indexOf('\r') >= 0
          || id.charAt(0) == '#' || id.strip().length() != id.length()) {
        throw new IllegalArgumentException(what + " id '" + InteractionFormat.escape(id) + "' (index " + i
            + ") cannot be written as TSV: empty, a tab or line break, a leading '#' or surrounding spaces");
      }
    }
  }
}
