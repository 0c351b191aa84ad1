package dev.kindred.data;

import dev.kindred.core.Interactions;

/**
 * Confidence weights for implicit feedback, from Hu, Koren and Volinsky, "Collaborative
 * Filtering for Implicit Feedback Datasets", ICDM 2008 (doi:10.1109/ICDM.2008.22), section 4.
 * Paper symbols: raw observation {@code r_ui} is the stored value, confidence {@code c_ui} the
 * result; {@code alpha} and {@code epsilon} as in the paper. The preference {@code p_ui = 1} is
 * implied by a pair being present; trainers read the confidence from the values.
 *
 * <ul>
 *   <li>linear: {@code c = 1 + alpha * r};
 *   <li>logarithmic: {@code c = 1 + alpha * log(1 + r / epsilon)}.
 * </ul>
 * Values must be finite and non-negative. Results keep the pairs and indices ({@code withValues}).
 * Stateless and thread-safe.
 */
public final class Confidence {

  private Confidence() {}

  /** {@code 1 + alpha * r}. */
  public static double linear(double r, double alpha) {
    return 1 + alpha * r;
  }

  /** {@code 1 + alpha * log(1 + r / epsilon)}. */
  public static double log(double r, double alpha, double epsilon) {
    return 1 + alpha * Math.log1p(r / epsilon);
  }

  /** Every value {@code r} replaced by {@code 1 + alpha * r}. */
  public static Interactions linear(Interactions data, double alpha) {
    checkAlpha(alpha);
    float[] v = checkedValues(data);
    float[] out = new float[v.length];
    for (int j = 0; j < v.length; j++) {
      out[j] = (float) linear(v[j], alpha);
    }
    return data.withValues(out);
  }

  /** Every value {@code r} replaced by {@code 1 + alpha * log(1 + r / epsilon)}. */
  public static Interactions log(Interactions data, double alpha, double epsilon) {
    checkAlpha(alpha);
    if (!(epsilon > 0) || Double.isInfinite(epsilon)) {
      throw new IllegalArgumentException("epsilon must be finite and > 0, got " + epsilon);
    }
    float[] v = checkedValues(data);
    float[] out = new float[v.length];
    for (int j = 0; j < v.length; j++) {
      out[j] = (float) log(v[j], alpha, epsilon);
    }
    return data.withValues(out);
  }

  private static void checkAlpha(double alpha) {
    if (!(alpha >= 0) || Double.isInfinite(alpha)) {
      throw new IllegalArgumentException("alpha must be finite and >= 0, got " + alpha);
    }
  }

  private static float[] checkedValues(Interactions data) {
    float[] v = data.values();
    int[] ptr = data.userPtr();
    for (int u = 0; u < data.numUsers(); u++) {
      for (int j = ptr[u]; j < ptr[u + 1]; j++) {
        if (!(v[j] >= 0) || Float.isInfinite(v[j])) {
          throw new IllegalArgumentException("confidence needs finite values >= 0, got " + v[j] + " for user '"
              + data.userIndex().externalId(u) + "', item '" + data.itemIndex().externalId(data.itemIdx()[j]) + "'");
        }
      }
    }
    return v;
  }
}
