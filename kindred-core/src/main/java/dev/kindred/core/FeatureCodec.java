package dev.kindred.core;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * One side's map from (field, value) pairs to feature indices, as learnt by kindred-data's
 * {@code FeatureSpace}, with an optional selection on top: what a server needs to turn a new
 * entity's side data into the sparse row a model's {@link EntityEncoder} takes.
 *
 * <p>Layout invariants (checked in the constructor):
 * <ol>
 *   <li>fields occupy contiguous blocks of the raw feature indices {@code [0, rawSize)}, in list
 *       order, each starting at its {@code offset} and {@code size} long;
 *   <li>a {@link Encoding#VALUE} or {@link Encoding#TOKENS} field is either hashed
 *       ({@code value -> offset + bucket(value, size)}) or has a vocabulary of exactly {@code size}
 *       values numbered {@code 0 .. size - 1}; a {@link Encoding#RANGE} field has
 *       {@code size - 1} increasing interior bounds;
 *   <li>{@code renumber} is null (every raw feature kept) or maps each raw index to its index
 *       after selection, or -1 when dropped; kept indices are {@code 0 .. size() - 1} in raw order.
 * </ol>
 * A row's weight for a feature is the number of the entity's values that map to it; with
 * {@code normalize} the row is scaled to sum 1 before selection, and after selection scaled back
 * to that sum (so dropping a feature re-spreads its weight, as refitting without it would).
 *
 * <p>Immutable; thread-safe.
 *
 * @param fields the fields, in block order
 * @param normalize whether rows are scaled to sum 1
 * @param renumber raw index to selected index (-1 dropped), or null for none dropped
 */
public record FeatureCodec(List<Field> fields, boolean normalize, int[] renumber) {

  /** How a field's values become features. */
  public enum Encoding {
    /** The value itself (categorical and multi-valued fields). */
    VALUE,
    /** Lower-case letter/digit tokens of the value (free text). */
    TOKENS,
    /** The range of a number among the bounds (numeric fields). */
    RANGE
  }

  /**
   * One field's block.
   *
   * @param vocabulary value to local index (empty when hashed or a range)
   * @param bounds interior range bounds of a {@link Encoding#RANGE} field, else null
   */
  public record Field(String name, Encoding encoding, int offset, int size, boolean hashed,
      Map<String, Integer> vocabulary, double[] bounds) {
    public Field {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(encoding, "encoding");
      vocabulary = Collections.unmodifiableMap(new LinkedHashMap<>(vocabulary));
    }

    /** The field's feature for one token (a value, a text token or a number), or -1 if it has none. */
    public int featureOf(String token) {
      if (encoding == Encoding.RANGE) {
        double x;
        try {
          x = Double.parseDouble(token);
        } catch (NumberFormatException e) {
          return -1;
        }
        int b = Arrays.binarySearch(bounds, x);
        return offset + (b >= 0 ? b + 1 : -b - 1);
      }
      if (hashed) return offset + bucket(token, size);
      Integer local = vocabulary.get(token);
      return local == null ? -1 : offset + local;
    }

    /** The tokens of one value: the value itself, a text's tokens, or the number as given. */
    public List<String> tokens(String value) {
      return encoding == Encoding.TOKENS ? textTokens(value) : List.of(value);
    }
  }

  public FeatureCodec {
    fields = List.copyOf(fields);
    int at = 0;
    for (Field f : fields) {
      if (f.offset() != at) {
        throw new IllegalArgumentException("invariant 1: field " + f.name() + " starts at " + f.offset() + ", expected " + at);
      }
      boolean ok = f.encoding() == Encoding.RANGE ? f.bounds() != null && f.bounds().length == f.size() - 1
          : f.hashed() || f.vocabulary().size() == f.size();
      if (!ok) throw new IllegalArgumentException("invariant 2: field " + f.name() + " of size " + f.size()
          + " has " + f.vocabulary().size() + " values / " + (f.bounds() == null ? 0 : f.bounds().length) + " bounds");
      at += f.size();
    }
    if (renumber != null && renumber.length != at) {
      throw new IllegalArgumentException("invariant 3: renumber has " + renumber.length + " entries, fields " + at);
    }
  }

  /** This codec keeping only the raw features flagged in {@code keep}. */
  public FeatureCodec select(boolean[] keep) {
    int[] r = new int[rawSize()];
    if (keep.length != r.length) throw new IllegalArgumentException("mask has " + keep.length + " entries, codec " + r.length);
    int n = 0;
    for (int c = 0; c < r.length; c++) r[c] = keep[c] ? n++ : -1;
    return new FeatureCodec(fields, normalize, r);
  }

  /** Raw features (before selection). */
  public int rawSize() {
    int n = 0;
    for (Field f : fields) n += f.size();
    return n;
  }

  /** Features after selection: the width of an encoded row. */
  public int size() {
    if (renumber == null) return rawSize();
    int n = 0;
    for (int r : renumber) if (r >= 0) n++;
    return n;
  }

  /**
   * Encodes one entity given as field name to values (unknown fields and unseen values are
   * ignored) into {@code (indices, weights)}, indices increasing.
   *
   * @return the sparse row; empty when nothing maps to a feature
   */
  public Row encode(Map<String, List<String>> values) {
    TreeMap<Integer, Float> counts = new TreeMap<>();
    for (Field f : fields) {
      List<String> vs = values.get(f.name());
      if (vs == null) continue;
      for (String v : vs) {
        for (String t : f.tokens(v)) {
          int feature = f.featureOf(t);
          if (feature >= 0) counts.merge(feature, 1f, Float::sum);
        }
      }
    }
    float total = 0;
    for (float w : counts.values()) total += w;
    int[] idx = new int[counts.size()];
    float[] w = new float[counts.size()];
    int n = 0;
    float kept = 0;
    for (Map.Entry<Integer, Float> e : counts.entrySet()) {
      int c = renumber == null ? e.getKey() : renumber[e.getKey()];
      if (c < 0) continue;
      idx[n] = c;
      w[n] = normalize ? e.getValue() / total : e.getValue();
      kept += w[n++];
    }
    if (normalize && renumber != null && kept > 0) {
      for (int j = 0; j < n; j++) w[j] /= kept;
    }
    return new Row(Arrays.copyOf(idx, n), Arrays.copyOf(w, n));
  }

  /** A sparse row: feature indices (increasing) and their weights. */
  public record Row(int[] indices, float[] weights) {
    public int size() {
      return indices.length;
    }
  }

  /** Lower-case letter/digit tokens of a text, in order. */
  public static List<String> textTokens(String value) {
    List<String> out = new ArrayList<>();
    for (String t : value.toLowerCase(Locale.ROOT).split("[^\\p{L}\\p{N}]+")) {
      if (!t.isEmpty()) out.add(t);
    }
    return out;
  }

  /** A deterministic bucket: the String hash mixed by MurmurHash3's finaliser. */
  public static int bucket(String value, int buckets) {
    int h = value.hashCode();
    h ^= h >>> 16;
    h *= 0x85ebca6b;
    h ^= h >>> 13;
    h *= 0xc2b2ae35;
    h ^= h >>> 16;
    return Math.floorMod(h, buckets);
  }
}
