package dev.kindred.data.features;

import dev.kindred.core.FeatureCodec;
import dev.kindred.core.IdIndex;
import dev.kindred.math.CsrMatrix;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The map from (field, value) to a feature index, learnt from a {@link FeatureTable} over the
 * entities of an interaction id index, and the encoding of tables into sparse rows.
 *
 * <p>Per field kind:
 * <ol>
 *   <li>categorical and multi-valued: one feature per distinct value seen on at least
 *       {@code minCount} entities;
 *   <li>text: the value is split into lower-case letter/digit tokens, then as multi-valued;
 *   <li>numeric: equal-frequency ranges (at most {@code numericBuckets}; boundaries are the
 *       quantiles of the values seen, duplicates merged), one feature per range; values outside
 *       the seen range fall in the first or last range;
 *   <li>a categorical, multi-valued or text field with more than {@code maxVocabulary} kept
 *       values is hashed instead: a value's feature is {@code hash(value) mod hashBuckets} within the
 *       field's block (the hashing trick, Weinberger et al. 2009, arXiv:0902.2206); distinct values
 *       that land on an occupied bucket are counted as collisions. Hashed fields see every value,
 *       so they have no unseen values.
 * </ol>
 * Features of a field occupy one contiguous block of indices, fields in table order. An entity's
 * weight for a feature is the number of its values that map to it, then (with {@code normalize})
 * the row is scaled to sum 1, as LightFM's {@code Dataset} does.
 *
 * <p>Cost: {@code O(values)} to fit and to encode. Immutable; thread-safe.
 */
public final class FeatureSpace {

  private final FeatureSpaceConfig config;
  private final List<Field> fields;
  private final int features;
  private final long collisions;

  /** One field's block of features, with the kind it was read as. */
  private record Field(FieldKind kind, FeatureCodec.Field codec) {
    String name() {
      return codec.name();
    }

    int offset() {
      return codec.offset();
    }

    int size() {
      return codec.size();
    }

    boolean hashed() {
      return codec.hashed();
    }

    Map<String, Integer> vocabulary() {
      return codec.vocabulary();
    }

    double[] bounds() {
      return codec.bounds();
    }
  }

  private static Field field(String name, FieldKind kind, int offset, Map<String, Integer> vocabulary,
      double[] bounds, int size, boolean hashed) {
    FeatureCodec.Encoding enc = switch (kind) {
      case NUMERIC -> FeatureCodec.Encoding.RANGE;
      case TEXT -> FeatureCodec.Encoding.TOKENS;
      case CATEGORICAL, MULTI -> FeatureCodec.Encoding.VALUE;
    };
    return new Field(kind, new FeatureCodec.Field(name, enc, offset, size, hashed, vocabulary, bounds));
  }

  private FeatureSpace(FeatureSpaceConfig config, List<Field> fields, long collisions) {
    this.config = config;
    this.fields = fields;
    int n = 0;
    for (Field f : fields) n += f.size();
    this.features = n;
    this.collisions = collisions;
  }

  /** Learns the feature space from the rows of {@code table} whose ids are in {@code index}. */
  public static FeatureSpace fit(FeatureTable table, IdIndex index, FeatureSpaceConfig config) {
    List<Field> out = new ArrayList<>();
    int offset = 0;
    long collisions = 0;
    for (Map.Entry<String, FieldKind> fe : table.fields().entrySet()) {
      String name = fe.getKey();
      FieldKind kind = fe.getValue();
      Field f;
      if (kind == FieldKind.NUMERIC) {
        List<Double> xs = new ArrayList<>();
        forKnown(table, index, name, v -> xs.add(Double.parseDouble(v)));
        double[] bounds = quantileBounds(xs, config.numericBuckets());
        f = field(name, kind, offset, Map.of(), bounds, bounds.length + 1, false);
      } else {
        Map<String, Integer> entities = new TreeMap<>(); // value -> entities holding it; sorted for stable indices
        for (Map.Entry<String, List<FeatureTable.Value>> row : table.rows().entrySet()) {
          if (index.indexOf(row.getKey()) < 0) continue;
          Set<String> distinct = new HashSet<>();
          for (FeatureTable.Value v : row.getValue()) {
            if (v.field().equals(name)) distinct.addAll(tokens(kind, v.value()));
          }
          for (String t : distinct) entities.merge(t, 1, Integer::sum);
        }
        Map<String, Integer> vocab = new LinkedHashMap<>();
        for (Map.Entry<String, Integer> e : entities.entrySet()) {
          if (e.getValue() >= config.minCount()) vocab.put(e.getKey(), vocab.size());
        }
        if (vocab.size() > config.maxVocabulary()) {
          Set<Integer> used = new HashSet<>();
          for (String v : vocab.keySet()) {
            if (!used.add(bucket(v, config.hashBuckets()))) collisions++;
          }
          f = field(name, kind, offset, Map.of(), null, config.hashBuckets(), true);
        } else {
          f = field(name, kind, offset, vocab, null, vocab.size(), false);
        }
      }
      out.add(f);
      offset += f.size();
    }
    return new FeatureSpace(config, List.copyOf(out), collisions);
  }

  /** The map from (field, value) to feature index, for encoding new entities where kindred-data is not at hand. */
  public FeatureCodec codec() {
    return new FeatureCodec(fields.stream().map(Field::codec).toList(), config.normalize(), null);
  }

  /** Whether encoded rows are scaled to sum 1. */
  public boolean normalized() {
    return config.normalize();
  }

  /** Number of features. */
  public int size() {
    return features;
  }

  /** The field names, in block order. */
  public List<String> fieldNames() {
    return fields.stream().map(Field::name).toList();
  }

  /** A readable name of feature {@code f}: {@code genre=Comedy}, {@code year[1990,1994)}, {@code title#812}. */
  public String featureName(int f) {
    for (Field fd : fields) {
      if (f < fd.offset() || f >= fd.offset() + fd.size()) continue;
      int local = f - fd.offset();
      if (fd.hashed()) return fd.name() + "#" + local;
      if (fd.kind() == FieldKind.NUMERIC) {
        String lo = local == 0 ? "-inf" : num(fd.bounds()[local - 1]);
        String hi = local == fd.bounds().length ? "inf" : num(fd.bounds()[local]);
        return fd.name() + "[" + lo + "," + hi + ")";
      }
      for (Map.Entry<String, Integer> e : fd.vocabulary().entrySet()) {
        if (e.getValue() == local) return fd.name() + "=" + e.getKey();
      }
    }
    throw new IllegalArgumentException("feature " + f + " outside [0, " + features + ")");
  }

  /** Every feature's {@link #featureName}, in index order (one pass over the vocabularies). */
  public String[] featureNames() {
    String[] out = new String[features];
    for (Field fd : fields) {
      if (fd.hashed() || fd.kind() == FieldKind.NUMERIC) {
        for (int j = 0; j < fd.size(); j++) out[fd.offset() + j] = featureName(fd.offset() + j);
      } else {
        fd.vocabulary().forEach((value, local) -> out[fd.offset() + local] = fd.name() + "=" + value);
      }
    }
    return out;
  }

  /** Every feature's field name, in index order. */
  public String[] featureFields() {
    String[] out = new String[features];
    for (Field fd : fields) Arrays.fill(out, fd.offset(), fd.offset() + fd.size(), fd.name());
    return out;
  }

  /** The field feature {@code f} belongs to. */
  public String fieldOf(int f) {
    for (Field fd : fields) {
      if (f >= fd.offset() && f < fd.offset() + fd.size()) return fd.name();
    }
    throw new IllegalArgumentException("feature " + f + " outside [0, " + features + ")");
  }

  /**
   * Encodes {@code table} for the entities of {@code index}: one row per entity (empty when the
   * table has none for it), with the counts of {@link FeatureSummary}.
   */
  public EncodedFeatures encode(FeatureTable table, IdIndex index) {
    int n = index.size();
    int[] ptr = new int[n + 1];
    List<int[]> cols = new ArrayList<>(n);
    List<float[]> vals = new ArrayList<>(n);
    long missing = 0;
    long unseen = 0;
    int withoutRow = 0;
    Map<String, Field> byName = new HashMap<>();
    for (Field f : fields) byName.put(f.name(), f);
    TreeMap<Integer, Float> row = new TreeMap<>();
    for (int e = 0; e < n; e++) {
      row.clear();
      List<FeatureTable.Value> values = table.rows().get(index.externalId(e));
      if (values == null) {
        withoutRow++;
      } else {
        Set<String> present = new HashSet<>();
        for (FeatureTable.Value v : values) {
          Field f = byName.get(v.field());
          if (f == null) continue;
          present.add(f.name());
          for (String t : f.codec().tokens(v.value())) {
            int feature = featureOf(f, t);
            if (feature < 0) unseen++;
            else row.merge(feature, 1f, Float::sum);
          }
        }
        missing += fields.size() - present.size();
      }
      int[] c = new int[row.size()];
      float[] w = new float[row.size()];
      float sum = 0;
      int j = 0;
      for (Map.Entry<Integer, Float> x : row.entrySet()) {
        c[j] = x.getKey();
        w[j++] = x.getValue();
        sum += x.getValue();
      }
      if (config.normalize() && sum > 0) {
        for (int q = 0; q < w.length; q++) w[q] /= sum;
      }
      cols.add(c);
      vals.add(w);
      ptr[e + 1] = ptr[e] + c.length;
    }
    int[] colIdx = new int[ptr[n]];
    float[] weights = new float[ptr[n]];
    for (int e = 0; e < n; e++) {
      System.arraycopy(cols.get(e), 0, colIdx, ptr[e], cols.get(e).length);
      System.arraycopy(vals.get(e), 0, weights, ptr[e], vals.get(e).length);
    }
    int unknown = 0;
    for (String id : table.rows().keySet()) {
      if (index.indexOf(id) < 0) unknown++;
    }
    FeatureSummary summary = new FeatureSummary(table.source(), table.size(), unknown, n, withoutRow, missing, unseen,
        collisions, features, ptr[n]);
    return new EncodedFeatures(new CsrMatrix(n, features, ptr, colIdx, weights), summary);
  }

  /** Fits a space on {@code table} and encodes it: the usual one-step use. */
  public static EncodedFeatures fitAndEncode(FeatureTable table, IdIndex index, FeatureSpaceConfig config) {
    return fit(table, index, config).encode(table, index);
  }

  private static int featureOf(Field f, String token) {
    return f.codec().featureOf(token);
  }

  /** The values of a non-numeric field: the value itself, or a text's distinct tokens. */
  static List<String> tokens(FieldKind kind, String value) {
    return kind == FieldKind.TEXT ? FeatureCodec.textTokens(value) : List.of(value);
  }

  /** Interior boundaries of at most {@code buckets} equal-frequency ranges (distinct, increasing). */
  static double[] quantileBounds(List<Double> xs, int buckets) {
    if (xs.isEmpty()) return new double[0];
    double[] s = xs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    double[] b = new double[buckets - 1];
    int n = 0;
    for (int q = 1; q < buckets; q++) {
      double v = s[(int) ((long) q * s.length / buckets)];
      if (v > s[0] && (n == 0 || v > b[n - 1])) b[n++] = v;
    }
    return Arrays.copyOf(b, n);
  }

  static int bucket(String value, int buckets) {
    return FeatureCodec.bucket(value, buckets);
  }

  private static void forKnown(FeatureTable table, IdIndex index, String field, java.util.function.Consumer<String> c) {
    for (Map.Entry<String, List<FeatureTable.Value>> row : table.rows().entrySet()) {
      if (index.indexOf(row.getKey()) < 0) continue;
      for (FeatureTable.Value v : row.getValue()) {
        if (v.field().equals(field)) c.accept(v.value());
      }
    }
  }

  static String num(double x) {
    return x == Math.rint(x) ? Long.toString((long) x) : Double.toString(x);
  }
}
