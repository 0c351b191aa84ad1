package dev.kindred.train.hybrid;

import dev.kindred.math.Kernels;
import dev.kindred.math.VectorOps;
import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * One worker's steps of the four losses, with its scratch vectors and random stream; the
 * embedding tables are shared (Hogwild). Gradients are taken at the vectors read before the step,
 * as LightFM does. Not thread-safe: one per worker thread.
 */
final class PairSteps {

  /** LightFM's clip of the WARP rank weight. */
  static final float MAX_LOSS = 10f;
  /** Proposals for a BPR or logistic negative before the pair is skipped (a user holding most items). */
  private static final int MAX_PROPOSALS = 32;

  private final HybridModelState s;
  private final int k;
  /** Items negatives are drawn from ({@link HybridModelState#negatives}). */
  private final int[] negatives;
  private final int numItems;
  private final Kernels kern = VectorOps.kernels();
  private final float[] pu;
  private final float[] qp;
  private final float[] qn;
  private final float[] grad;
  private final float[] scratch;
  private final float[] kosScores;
  private final int[] kosItems;
  SplittableRandom rng;
  double loss;
  long steps;

  PairSteps(HybridModelState state) {
    this.s = state;
    this.k = state.users.k;
    this.negatives = state.negatives;
    this.numItems = negatives.length;
    pu = new float[k];
    qp = new float[k];
    qn = new float[k];
    grad = new float[k];
    scratch = new float[k];
    kosScores = new float[state.config.kosN()];
    kosItems = new int[state.config.kosN()];
  }

  /** Dispatches one training pair (k-OS WARP: one user, {@code i} ignored) to the configured loss. */
  void step(int u, int i) {
    switch (s.config.loss()) {
      case WARP -> warp(u, i);
      case KOS_WARP -> kos(u);
      case BPR -> bpr(u, i);
      case LOGISTIC -> logistic(u, i);
    }
  }

  /**
   * WARP: draws items (of those with training pairs) until one scores above {@code pos - 1} and is
   * not a positive, at most {@code maxSampled}; after {@code N} draws the rank estimate is
   * {@code floor((items - 1) / N)}
   * and the hinge {@code 1 - pos + neg} is weighted by {@code ln(rank)} (clipped to
   * {@link #MAX_LOSS}).
   */
  void warp(int u, int i) {
    s.users.repr(s.userRows, u, pu);
    float pos = s.items.repr(s.itemRows, i, qp) + kern.dot(pu, 0, qp, 0, k);
    for (int sampled = 1; sampled <= s.config.maxSampled(); sampled++) {
      int j = negatives[rng.nextInt(numItems)];
      float neg = s.items.score(s.itemRows, j, pu, qn);
      if (neg > pos - 1f && !s.isPositive(u, j)) {
        float g = Math.min(MAX_LOSS, (float) Math.log(Math.max(1, (numItems - 1) / sampled)));
        loss += g * (1f - pos + neg);
        steps++;
        s.items.repr(s.itemRows, j, qn);
        pairUpdate(u, i, j, g);
        return;
      }
    }
    steps++;
  }

  /** k-OS WARP: of {@code kosN} positives drawn from the user's row, the {@code kosK}-th best scored is WARP's positive. */
  void kos(int u) {
    int from = s.userPtr[u];
    int deg = s.userPtr[u + 1] - from;
    if (deg == 0) return;
    s.users.repr(s.userRows, u, pu);
    int n = kosItems.length;
    for (int t = 0; t < n; t++) {
      kosItems[t] = s.itemIdx[from + rng.nextInt(deg)];
      kosScores[t] = s.items.score(s.itemRows, kosItems[t], pu, qp);
    }
    // Selection of the k-th largest by partial selection sort: n is a handful.
    int kth = Math.min(s.config.kosK(), n) - 1;
    for (int a = 0; a <= kth; a++) {
      int best = a;
      for (int b = a + 1; b < n; b++) if (kosScores[b] > kosScores[best]) best = b;
      float ts = kosScores[a];
      kosScores[a] = kosScores[best];
      kosScores[best] = ts;
      int ti = kosItems[a];
      kosItems[a] = kosItems[best];
      kosItems[best] = ti;
    }
    warp(u, kosItems[kth]);
  }

  /** BPR: {@code -ln sigma(x)}, {@code x = score(i) - score(j)}, one uniform negative. */
  void bpr(int u, int i) {
    int j = negative(u);
    steps++;
    if (j < 0) return;
    s.users.repr(s.userRows, u, pu);
    float x = s.items.repr(s.itemRows, i, qp) - s.items.repr(s.itemRows, j, qn) + kern.dot(pu, 0, qp, 0, k)
        - kern.dot(pu, 0, qn, 0, k);
    double ex = Math.exp(x);
    loss += x > 30 ? 0 : Math.log1p(ex) - x;
    pairUpdate(u, i, j, (float) (1 / (1 + ex)));
  }

  /** Logistic: {@code -ln sigma(s)} on the positive and {@code -ln(1 - sigma(s))} on one uniform negative. */
  void logistic(int u, int i) {
    int j = negative(u);
    steps++;
    float ub = s.users.repr(s.userRows, u, pu);
    float sp = ub + s.items.repr(s.itemRows, i, qp) + kern.dot(pu, 0, qp, 0, k);
    float dp = sigmoid(sp) - 1f;
    loss += -Math.log(Math.max(1e-30, sigmoid(sp)));
    if (j >= 0) {
      float sn = ub + s.items.repr(s.itemRows, j, qn) + kern.dot(pu, 0, qn, 0, k);
      float dn = sigmoid(sn);
      loss += -Math.log(Math.max(1e-30, 1 - dn));
      s.items.step(s.itemRows, j, pu, dn, dn, scratch);
      // user gradient: dp * qp + dn * qn
      for (int d = 0; d < k; d++) grad[d] = dp * qp[d] + dn * qn[d];
      s.users.step(s.userRows, u, grad, 1f, dp + dn, scratch);
    } else {
      s.users.step(s.userRows, u, qp, dp, dp, scratch);
    }
    s.items.step(s.itemRows, i, pu, dp, dp, scratch);
  }

  /**
   * The step of a pairwise loss whose derivative with respect to {@code score(j) - score(i)} is
   * {@code g}: the user's vector moves by {@code g (q_j - q_i)}, the positive's by {@code -g p_u},
   * the negative's by {@code g p_u} (biases by -g and g), all from the vectors read before.
   */
  private void pairUpdate(int u, int i, int j, float g) {
    System.arraycopy(qn, 0, grad, 0, k);
    kern.axpy(-1f, qp, 0, grad, 0, k);
    s.items.step(s.itemRows, i, pu, -g, -g, scratch);
    s.items.step(s.itemRows, j, pu, g, g, scratch);
    s.users.step(s.userRows, u, grad, g, 0f, scratch);
  }

  /** A uniform item with training pairs outside the user's row, or -1 after {@link #MAX_PROPOSALS} tries. */
  private int negative(int u) {
    for (int t = 0; t < MAX_PROPOSALS; t++) {
      int j = negatives[rng.nextInt(numItems)];
      if (!s.isPositive(u, j)) return j;
    }
    return -1;
  }

  private static float sigmoid(float x) {
    return (float) (1 / (1 + Math.exp(-x)));
  }

  /** Resets the epoch's counters. */
  void startEpoch(SplittableRandom r) {
    rng = r;
    loss = 0;
    steps = 0;
    Arrays.fill(grad, 0f);
  }
}
