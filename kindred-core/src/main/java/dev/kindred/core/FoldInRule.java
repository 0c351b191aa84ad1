package dev.kindred.core;

/**
 * How a {@link LatentFactorModel} computes the vector of a user from that user's interactions
 * without retraining (a new user, or a user whose history just changed). Stored in the model file,
 * so serving folds users in exactly as the trainer would, without depending on training code.
 */
public sealed interface FoldInRule {

  /** The model cannot fold users in (the recommender says so). */
  record None() implements FoldInRule {}

  /**
   * The exact ALS user step against the fixed item factors {@code Q}.
   *
   * <p>Explicit ({@code implicit == false}, Zhou et al. 2008): minimise
   * {@code sum_i (r_ui - x . q_i)^2 + lambda * n_u * |x|^2} over the user's items, i.e.
   * {@code (Q_u^T Q_u + lambda n_u I) x = Q_u^T r_u}.
   *
   * <p>Implicit (Hu, Koren, Volinsky 2008): confidence {@code c_ui = 1 + alpha * r_ui}, preference 1
   * for every listed item: {@code (Q^T Q + Q_u^T (C_u - I) Q_u + lambda I) x = Q_u^T C_u 1}.
   *
   * @param lambda regularisation
   * @param implicit implicit-feedback objective
   * @param alpha confidence scale (implicit only)
   * @param weightedLambda multiply lambda by the user's interaction count (explicit ALS-WR)
   */
  record Ridge(float lambda, boolean implicit, float alpha, boolean weightedLambda) implements FoldInRule {}

  /**
   * A few SGD epochs over the user's interactions against the fixed item factors, starting from
   * zero: squared error with the user bias for rating models ({@code pairwise == false}), or the
   * BPR pairwise loss with sampled negatives ({@code pairwise == true}).
   *
   * @param learningRate step size
   * @param regularization L2 penalty on the user vector (and bias)
   * @param epochs passes over the user's interactions
   * @param pairwise BPR loss instead of squared error
   * @param seed seed for the pass order and negative samples
   */
  record Sgd(float learningRate, float regularization, int epochs, boolean pairwise, long seed) implements FoldInRule {}

  /**
   * One propagation of the user's row through a graph model's normalised adjacency (LightGCN, He
   * et al., SIGIR 2020, arXiv:2002.02126): {@code x = |N_u|^-1/2 * sum_{i in N_u} b_i}, where
   * {@code b_i} (row {@code i} of {@code itemBasis}) is what item {@code i} contributes to a
   * neighbour's final embedding. For LightGCN with {@code K} layers,
   * {@code b_i = d_i^-1/2 / (K + 1) * sum_{l < K} e_i^(l)}, so {@code x} is exactly the layer mean a
   * user with these items and a zero layer-0 embedding gets, the items' layers held fixed (the new
   * user's edges are not added to the items' degrees). Interaction values are ignored (the graph is
   * binary). Cost {@code O(|N_u| k)}.
   *
   * @param itemBasis one row per item of the model, of the model's dimension
   */
  record Propagation(dev.kindred.math.FactorMatrix itemBasis) implements FoldInRule {
    public Propagation {
      java.util.Objects.requireNonNull(itemBasis, "itemBasis");
    }
  }

  FoldInRule NONE = new None();
}
