package dev.kindred.train.nn;

import dev.kindred.math.Kernels;
import dev.kindred.math.VectorOps;

/**
 * Bayesian personalised ranking loss over a batch of triples (Rendle et al., UAI 2009,
 * arXiv:1205.2618): for user {@code u}, preferred item {@code i} and other item {@code j} with
 * embeddings {@code e_u, e_i, e_j}, {@code x = e_u . (e_i - e_j)} and
 * {@code loss = softplus(-x) = -ln sigma(x)}. The backward pass, with {@code g = -sigma(-x)}:
 * {@code dL/de_u = g (e_i - e_j)}, {@code dL/de_i = g e_u}, {@code dL/de_j = -g e_u}.
 *
 * <p>Embeddings live in row-major tables ({@code dim} floats per row); the gradient tables have
 * the same shape and are accumulated into (a row met twice in a batch gets both contributions).
 * Cost: {@code 8 dim} flops per triple on {@link Kernels#dot} and {@link Kernels#axpy}. Stateless;
 * concurrent calls must not share gradient rows.
 */
public final class BprLoss {

  private BprLoss() {}

  /**
   * Loss of triples {@code [from, to)} ({@code users[b], positives[b], negatives[b]}), with
   * {@code scale} times its gradient added to {@code gradUsers} and {@code gradItems} (use
   * {@code scale = 1 / batch} for the batch mean). Returns the unscaled sum of the triples' losses.
   */
  public static double accumulate(float[] userTable, float[] itemTable, int dim, int[] users, int[] positives,
      int[] negatives, int from, int to, float scale, float[] gradUsers, float[] gradItems) {
    Kernels k = VectorOps.kernels();
    double loss = 0;
    for (int b = from; b < to; b++) {
      int uo = users[b] * dim;
      int io = positives[b] * dim;
      if (negatives[b] < 0) continue; // a user who has every item
      int jo = negatives[b] * dim;
      float x = k.dot(userTable, uo, itemTable, io, dim) - k.dot(userTable, uo, itemTable, jo, dim);
      loss += softplus(-x);
      float g = (float) (-scale / (1 + Math.exp(x))); // scale * dL/dx = -scale * sigma(-x)
      k.axpy(g, itemTable, io, gradUsers, uo, dim);
      k.axpy(-g, itemTable, jo, gradUsers, uo, dim);
      k.axpy(g, userTable, uo, gradItems, io, dim);
      k.axpy(-g, userTable, uo, gradItems, jo, dim);
    }
    return loss;
  }

  /** {@code ln(1 + e^z)} without overflow. */
  static double softplus(double z) {
    return z > 0 ? z + Math.log1p(Math.exp(-z)) : Math.log1p(Math.exp(z));
  }
}
