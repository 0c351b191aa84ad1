package dev.kindred.core;

import dev.kindred.math.VectorOps;
import java.util.Arrays;
import java.util.Objects;

/**
 * The hybrid model's {@link EntityEncoder}: an entity is the weighted sum of its features'
 * embeddings and biases (Kula 2015, arXiv:1507.08439, {@code q_u = sum_j w_j e_j},
 * {@code b_u = sum_j w_j b_j}).
 *
 * <p>Weights follow the trainer's rule for an entity with identity features: with {@code identity}
 * an entity seen in training had its own indicator feature weighing as much as its mean side
 * feature, the row scaled to sum 1; a new entity has no identity embedding (its trained value for
 * a cold entity is its tiny random initialisation), so its {@code n} side weights are scaled by
 * {@code n / (n + 1)} of their sum, the share they had beside the identity, and the identity
 * contributes nothing.
 *
 * <p>Layout: {@code embeddings} holds {@code features x dim} floats row-major; {@code biases}
 * {@code features}. Not copied: callers must not modify them. Cost {@code O(nnz x dim)} per entity.
 *
 * @param dim latent dimension
 * @param features side features (rows of the tables)
 * @param identity whether the model had identity features on this side
 */
public record EmbeddingSumEncoder(int dim, int features, boolean identity, float[] embeddings, float[] biases)
    implements EntityEncoder {

  public EmbeddingSumEncoder {
    Objects.requireNonNull(embeddings, "embeddings");
    Objects.requireNonNull(biases, "biases");
    if (dim < 1) throw new IllegalArgumentException("dim must be >= 1, got " + dim);
    if (embeddings.length != (long) features * dim || biases.length != features) {
      throw new IllegalArgumentException("expected " + features + " x " + dim + " embeddings and " + features
          + " biases, got " + embeddings.length + " and " + biases.length);
    }
  }

  @Override
  public float encode(FeatureCodec.Row row, float[] out) {
    Arrays.fill(out, 0, dim, 0f);
    int n = row.size();
    if (n == 0) return 0f;
    float sum = 0;
    for (float w : row.weights()) sum += w;
    // Beside an identity feature of weight sum/n, the side weights were w / (sum + sum/n).
    float scale = identity && sum > 0 ? n / ((n + 1) * sum) : 1f;
    float b = 0;
    for (int j = 0; j < n; j++) {
      int f = row.indices()[j];
      if (f < 0 || f >= features) throw new IllegalArgumentException("feature " + f + " outside [0, " + features + ")");
      float w = row.weights()[j] * scale;
      VectorOps.kernels().axpy(w, embeddings, f * dim, out, 0, dim);
      b += w * biases[f];
    }
    return b;
  }
}
