package dev.kindred.core;

/**
 * The cold-start half of a feature model: maps a new user's or item's side features to a vector
 * in the space of the model's factors, so that an entity with features and no interactions can be
 * scored and retrieved like a known one. Feature indices are the columns of that side's
 * {@link SideFeatures} matrix (kindred-data's {@code FeatureSpace} numbering) as the model was
 * trained on them; weights as that matrix holds them.
 *
 * <p>Implementations are immutable after training and safe for concurrent calls.
 */
public interface FeatureEncoder {

  /** Which tower / table a feature row belongs to. */
  enum Side {
    USER,
    ITEM
  }

  /** Length of every vector written ({@code factors} of the model). */
  int factors();

  /** Number of side features the model knows on {@code side} (0: it takes none there). */
  int features(Side side);

  /**
   * Writes the vector of an entity with features {@code features[0 .. count)} weighted by
   * {@code weights[0 .. count)} into {@code out[0, factors())} and returns the bias the model adds
   * to its scores (0 for models without biases).
   *
   * @throws IllegalArgumentException if a feature index is outside {@code [0, features(side))} or a
   *     weight is not finite
   */
  float encode(Side side, int[] features, float[] weights, int count, float[] out);
}
