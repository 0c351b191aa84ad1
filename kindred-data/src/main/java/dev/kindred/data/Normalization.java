package dev.kindred.data;

import dev.kindred.core.Interactions;
import java.util.Objects;

/**
 * A value transform fitted on one data set (normally the training set) and applied to others
 * (the test set, predictions): {@code normalized = (value - offset_u) / scale}, inverted by
 * {@code value = normalized * scale + offset_u}.
 *
 * <ul>
 *   <li>{@link Kind#GLOBAL_MEAN}: offset = mean of all values, scale 1;
 *   <li>{@link Kind#USER_MEAN}: offset = the user's mean (the global mean for users without
 *       values when fitted), scale 1;
 *   <li>{@link Kind#MIN_MAX}: offset = min, scale = max - min, so the fitted values span [0, 1];
 *   <li>{@link Kind#Z_SCORE}: offset = mean, scale = population standard deviation.
 * </ul>
 * A zero spread (all values equal) gives scale 1. Means are accumulated in double. Immutable and
 * thread-safe; fitting and applying cost O(pairs).
 */
public final class Normalization {

  public enum Kind { GLOBAL_MEAN, USER_MEAN, MIN_MAX, Z_SCORE }

  /** Normalised data and the transform that produced it (for inverting predictions). */
  public record Normalized(Interactions data, Normalization transform) {}

  private final Kind kind;
  private final double offset;
  private final double scale;
  private final double[] userOffsets; // USER_MEAN only

  private Normalization(Kind kind, double offset, double scale, double[] userOffsets) {
    this.kind = kind;
    this.offset = offset;
    this.scale = scale;
    this.userOffsets = userOffsets;
  }

  /** Fits the statistics of {@code kind} on {@code data}. */
  public static Normalization fit(Kind kind, Interactions data) {
    Objects.requireNonNull(kind, "kind");
    float[] v = data.values();
    double mean = data.meanValue();
    return switch (kind) {
      case GLOBAL_MEAN -> new Normalization(kind, mean, 1, null);
      case USER_MEAN -> {
        double[] offsets = new double[data.numUsers()];
        int[] ptr = data.userPtr();
        for (int u = 0; u < offsets.length; u++) {
          double s = 0;
          for (int j = ptr[u]; j < ptr[u + 1]; j++) {
            s += v[j];
          }
          offsets[u] = ptr[u + 1] > ptr[u] ? s / (ptr[u + 1] - ptr[u]) : mean;
        }
        yield new Normalization(kind, mean, 1, offsets);
      }
      case MIN_MAX -> {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        for (float x : v) {
          min = Math.min(min, x);
          max = Math.max(max, x);
        }
        if (v.length == 0) {
          min = 0;
          max = 1;
        }
        yield new Normalization(kind, min, max > min ? max - min : 1, null);
      }
      case Z_SCORE -> {
        double ss = 0;
        for (float x : v) {
          ss += (x - mean) * (x - mean);
        }
        double sd = v.length == 0 ? 0 : Math.sqrt(ss / v.length);
        yield new Normalization(kind, mean, sd > 0 ? sd : 1, null);
      }
    };
  }

  /** Centres on the global mean. */
  public static Normalized centerGlobal(Interactions data) {
    return fitAndApply(Kind.GLOBAL_MEAN, data);
  }

  /** Centres each user on their own mean. */
  public static Normalized centerPerUser(Interactions data) {
    return fitAndApply(Kind.USER_MEAN, data);
  }

  /** Scales to [0, 1] by the global min and max. */
  public static Normalized scaleMinMax(Interactions data) {
    return fitAndApply(Kind.MIN_MAX, data);
  }

  /** Standardises to mean 0 and standard deviation 1. */
  public static Normalized scaleZScore(Interactions data) {
    return fitAndApply(Kind.Z_SCORE, data);
  }

  private static Normalized fitAndApply(Kind kind, Interactions data) {
    Normalization n = fit(kind, data);
    return new Normalized(n.apply(data), n);
  }

  /**
   * The same pairs with normalised values. For {@link Kind#USER_MEAN}, users beyond those fitted
   * (a grown index) use the global mean.
   */
  public Interactions apply(Interactions data) {
    float[] v = data.values();
    float[] out = new float[v.length];
    int[] ptr = data.userPtr();
    for (int u = 0; u < data.numUsers(); u++) {
      double off = userOffset(u);
      for (int j = ptr[u]; j < ptr[u + 1]; j++) {
        out[j] = (float) ((v[j] - off) / scale);
      }
    }
    return data.withValues(out);
  }

  /** {@code (value - offset_u) / scale}. */
  public double normalize(int user, double value) {
    return (value - userOffset(user)) / scale;
  }

  /** {@code normalized * scale + offset_u}: a prediction on the normalised scale back in the original units. */
  public double invert(int user, double normalized) {
    return normalized * scale + userOffset(user);
  }

  public Kind kind() {
    return kind;
  }

  /** The global offset (mean or min). */
  public double offset() {
    return offset;
  }

  public double scale() {
    return scale;
  }

  /** The offset used for user {@code u}. */
  public double userOffset(int u) {
    return userOffsets != null && u >= 0 && u < userOffsets.length ? userOffsets[u] : offset;
  }

  @Override
  public String toString() {
    return "Normalization[" + kind + ", offset " + offset + ", scale " + scale + "]";
  }
}
