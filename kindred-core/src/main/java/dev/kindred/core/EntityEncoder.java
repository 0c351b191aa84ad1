package dev.kindred.core;

/**
 * A model's map from an entity's side features to its latent vector: how a model that learnt
 * from features ({@link FeatureTrainer}) scores a user or item it never saw in training. The
 * input is a sparse row over the side's features as {@link FeatureCodec} encodes it; the output
 * is a vector in the model's latent space (comparable with its trained factors) and a bias.
 * The hybrid model's encoder is the weighted sum of feature embeddings
 * ({@link EmbeddingSumEncoder}); a tower model's is its tower.
 *
 * <p>Implementations are immutable and thread-safe.
 */
public interface EntityEncoder {

  /** Latent dimension of the vectors written. */
  int dim();

  /** Width of the feature rows taken. */
  int features();

  /**
   * Writes the vector of the entity with {@code row} into {@code out[0, dim)}.
   *
   * @return the entity's bias (0 for a model without biases)
   * @throws IllegalArgumentException if a feature index is outside {@code [0, features())}
   */
  float encode(FeatureCodec.Row row, float[] out);
}
