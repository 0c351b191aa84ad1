package dev.kindred.train.mf;

import dev.kindred.core.FoldInRule;
import dev.kindred.core.Interactions;
import dev.kindred.core.LatentFactorModel;
import dev.kindred.core.Provenance;
import dev.kindred.math.FactorMatrix;
import dev.kindred.math.Kernels;
import dev.kindred.math.Shuffles;
import dev.kindred.math.VectorOps;
import dev.kindred.math.WorkerPool;
import java.util.Arrays;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * A few item-side SGD epochs against a model's frozen user factors: the SGD form of the item
 * refit after forgetting a user ({@code kindred forget --refit-items} on an mf-sgd or bpr model).
 * Item factors and biases continue from their trained values over the remaining interactions,
 * with the model's own loss: squared error for mf-sgd ({@code r_ui ~ mu + b_u + b_i + p_u . q_i},
 * Koren et al. 2009, doi:10.1109/MC.2009.263), BPR for bpr ({@code ln sigma(x_ui - x_uj)} with a
 * uniformly drawn negative {@code j}, Rendle et al. 2009, arXiv:1205.2618). User factors and
 * biases, and {@code mu}, do not move.
 *
 * <p>Step size: the one the trainer's last epoch used ({@code learningRate * learningRateDecay^(epochs - 1)}
 * from the model's provenance), so the refit moves items about as much per epoch as the end of
 * training did; penalties are the trainer's ({@code regularization}, {@code biasRegularization},
 * bpr's {@code negativeRegularization}). An item no remaining user has gets zero factors and bias,
 * as in training. Departures: bpr draws negatives uniformly whatever sampling trained it.
 *
 * <p>What it guarantees: the item factors take {@code epochs} steps per remaining pair away from
 * values the forgotten user helped train; it is not a retrain, so their influence fades rather than
 * vanishes (the user's own factors and events are gone either way, see the README's forget section).
 *
 * <p>Cost: {@code epochs * nnz} steps of about {@code 4k} flops (bpr: {@code 8k}). mf-sgd runs items in
 * parallel (each item's steps touch only its own row, so the result does not depend on the thread
 * count); bpr's steps touch the negative item too and run on one thread. Same input, same model.
 * Thread-safe.
 */
public final class SgdItemRefit {

  /** Item-side epochs {@code kindred forget --refit-items} runs. */
  public static final int EPOCHS = 5;

  private SgdItemRefit() {}

  /**
   * {@code model} with its item factors (and biases) moved by {@code epochs} item-side SGD epochs
   * over {@code data} (on the model's indices).
   *
   * @throws IllegalArgumentException if the model has no SGD fold-in rule (not mf-sgd or bpr) or
   *     {@code data} is not on its indices
   */
  public static LatentFactorModel refit(LatentFactorModel model, Interactions data, int epochs, int threads) {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(data, "data");
    if (!(model.foldInRule() instanceof FoldInRule.Sgd g)) {
      throw new IllegalArgumentException("an SGD item refit needs an mf-sgd or bpr model; a "
          + model.provenance().algorithm() + " model has no SGD rule");
    }
    if (epochs < 1) throw new IllegalArgumentException("epochs must be >= 1, got " + epochs);
    if (!data.userIndex().equals(model.userIndex()) || !data.itemIndex().equals(model.itemIndex())) {
      throw new IllegalArgumentException("the refit data must be on the model's user and item indices");
    }
    Provenance prov = model.provenance();
    float lr = param(prov, "learningRate", g.learningRate())
        * (float) Math.pow(param(prov, "learningRateDecay", 1f), param(prov, "epochs", 1f) - 1);
    float reg = param(prov, "regularization", g.regularization());
    Step step = new Step(model, model.itemFactors().copy(),
        model.hasBiases() ? model.itemBiases().clone() : null, lr, reg, param(prov, "negativeRegularization", reg),
        param(prov, "biasRegularization", reg));
    if (g.pairwise()) {
      step.pairwise(data, epochs, new SplittableRandom(g.seed()));
    } else {
      step.squared(data, epochs, g.seed(), threads);
    }
    float[] ub = model.hasBiases() ? model.userBiases() : null;
    return new LatentFactorModel(prov, model.userIndex(), model.itemIndex(), model.globalMean(), ub, step.bi,
        model.userStore(), step.q, model.scoreMin(), model.scoreMax(), model.foldInRule());
  }

  private static float param(Provenance p, String key, float fallback) {
    String v = p.config().get(key);
    return v == null ? fallback : Float.parseFloat(v);
  }

  /** The item-side updates, on copies of the item factors and biases. */
  private static final class Step {
    final LatentFactorModel model;
    final FactorMatrix p;
    final FactorMatrix q;
    final float[] bi;
    final float lr;
    final float reg;
    final float regNeg;
    final float regBias;
    final int k;
    final Kernels kern = VectorOps.kernels();

    Step(LatentFactorModel model, FactorMatrix q, float[] bi, float lr, float reg, float regNeg, float regBias) {
      this.model = model;
      this.p = model.userFactors();
      this.q = q;
      this.bi = bi;
      this.lr = lr;
      this.reg = reg;
      this.regNeg = regNeg;
      this.regBias = regBias;
      this.k = model.dim();
    }

    /** mf-sgd: each item on its own, over its users in a per-item seeded order. */
    void squared(Interactions data, int epochs, long seed, int threads) {
      int[] ptr = data.itemPtr();
      int[] users = data.userIdx();
      float[] values = data.itemValues();
      try (WorkerPool pool = WorkerPool.create(threads, "kindred-refit-items")) {
        pool.compute(q.rows(), i -> {
          int n = ptr[i + 1] - ptr[i];
          if (n == 0) {
            clear(i);
            return;
          }
          SplittableRandom rng = new SplittableRandom(seed + 0x9E3779B97F4A7C15L * (i + 1L));
          int[] order = Shuffles.identity(n);
          float[] qa = q.page(i);
          int qo = q.offset(i);
          for (int e = 0; e < epochs; e++) {
            Shuffles.shuffle(order, rng);
            for (int x : order) {
              int j = ptr[i] + x;
              int u = users[j];
              float pred = model.globalMean() + model.userBias(u) + (bi == null ? 0f : bi[i])
                  + kern.dot(p.page(u), p.offset(u), qa, qo, k);
              float err = values[j] - pred;
              // q_i += lr (err p_u - reg q_i)
              scale(qa, qo, 1f - lr * reg);
              kern.axpy(lr * err, p.page(u), p.offset(u), qa, qo, k);
              if (bi != null) bi[i] += lr * (err - regBias * bi[i]);
            }
          }
        });
      }
    }

    /** bpr: every remaining pair against a uniform negative, in one seeded order. */
    void pairwise(Interactions data, int epochs, SplittableRandom rng) {
      int[] ptr = data.userPtr();
      int[] idx = data.itemIdx();
      int n = q.rows();
      int[] userOf = new int[data.size()];
      for (int u = 0; u < data.numUsers(); u++) Arrays.fill(userOf, ptr[u], ptr[u + 1], u);
      for (int i = 0; i < n; i++) {
        if (i >= data.numItems() || data.itemDegree(i) == 0) clear(i);
      }
      int[] order = Shuffles.identity(data.size());
      for (int e = 0; e < epochs; e++) {
        Shuffles.shuffle(order, rng);
        for (int j : order) {
          int u = userOf[j];
          if (ptr[u + 1] - ptr[u] >= n) continue; // the user has every item: no negative
          int neg;
          do {
            neg = rng.nextInt(n);
          } while (Arrays.binarySearch(idx, ptr[u], ptr[u + 1], neg) >= 0);
          int pos = idx[j];
          float x = kern.dot(p.page(u), p.offset(u), q.page(pos), q.offset(pos), k)
              - kern.dot(p.page(u), p.offset(u), q.page(neg), q.offset(neg), k)
              + (bi == null ? 0f : bi[pos] - bi[neg]);
          float w = (float) (1.0 / (1.0 + Math.exp(x))); // sigma(-x): the gradient of ln sigma(x)
          scale(q.page(pos), q.offset(pos), 1f - lr * reg);
          kern.axpy(lr * w, p.page(u), p.offset(u), q.page(pos), q.offset(pos), k);
          scale(q.page(neg), q.offset(neg), 1f - lr * regNeg);
          kern.axpy(-lr * w, p.page(u), p.offset(u), q.page(neg), q.offset(neg), k);
          if (bi != null) {
            bi[pos] += lr * (w - regBias * bi[pos]);
            bi[neg] += lr * (-w - regBias * bi[neg]);
          }
        }
      }
    }

    private void clear(int i) {
      Arrays.fill(q.page(i), q.offset(i), q.offset(i) + k, 0f);
      if (bi != null) bi[i] = 0f;
    }

    private void scale(float[] a, int o, float s) {
      for (int d = 0; d < k; d++) a[o + d] *= s;
    }
  }
}
