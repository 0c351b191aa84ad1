package dev.kindred.eval;

/**
 * Rating-prediction error over test pairs: {@code RMSE = sqrt(mean((p - y)^2))} and
 * {@code MAE = mean(|p - y|)}, accumulated in double. Predictions are taken as they are (no
 * clipping to the rating scale). Stateless and thread-safe.
 */
public final class RatingMetrics {

  private RatingMetrics() {}

  /** Root mean squared error of {@code predicted} against {@code actual} (key {@code rmse}). */
  public static double rmse(float[] predicted, float[] actual) {
    check(predicted, actual);
    double sse = 0;
    for (int j = 0; j < predicted.length; j++) {
      double e = (double) predicted[j] - actual[j];
      sse += e * e;
    }
    return Math.sqrt(sse / predicted.length);
  }

  /** Mean absolute error of {@code predicted} against {@code actual} (key {@code mae}). */
  public static double mae(float[] predicted, float[] actual) {
    check(predicted, actual);
    double sae = 0;
    for (int j = 0; j < predicted.length; j++) {
      sae += Math.abs((double) predicted[j] - actual[j]);
    }
    return sae / predicted.length;
  }

  private static void check(float[] predicted, float[] actual) {
    if (predicted.length != actual.length) {
      throw new IllegalArgumentException("predicted and actual differ in length: " + predicted.length + " vs "
          + actual.length);
    }
    if (predicted.length == 0) {
      throw new IllegalArgumentException("no pairs to evaluate: the error of an empty set is undefined");
    }
  }
}
