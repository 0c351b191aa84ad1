package dev.kindred.train.mf;

import dev.kindred.core.FoldInRule;
import dev.kindred.core.Interactions;
import dev.kindred.core.LatentFactorModel;
import dev.kindred.core.ModelFitException;
import dev.kindred.core.ProgressListener;
import dev.kindred.core.ProgressListener.EpochReport;
import dev.kindred.core.Provenance;
import dev.kindred.core.Trainer;
import dev.kindred.math.FactorMatrix;
import dev.kindred.math.Kernels;
import dev.kindred.math.VectorOps;
import dev.kindred.math.WorkerPool;
import dev.kindred.train.DataShape;
import dev.kindred.train.warm.InitialFactors;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Biased matrix factorisation fitted to squared error by parallel SGD over a block grid.
 *
 * <p>Model (Koren, Bell, Volinsky, "Matrix factorization techniques for recommender systems",
 * IEEE Computer 2009, doi:10.1109/MC.2009.263): {@code r_ui ~ mu + b_u + b_i + p_u . q_i},
 * minimising {@code sum (r_ui - r^_ui)^2 + lambda (|p_u|^2 + |q_i|^2) + lambda_b (b_u^2 + b_i^2)}.
 * Symbols: {@code k} = {@link MfSgdConfig#factors}, {@code eta} = {@code learningRate},
 * {@code lambda} = {@code regularization}, {@code lambda_b} = {@code biasRegularization};
 * {@code mu} is the training mean and is not learned.
 *
 * <p>Parallelism follows FPSGD (Chin, Zhuang, Juan, Lin, ACM TIST 2015,
 * doi:10.1145/2668133): pairs are cut into a {@code bins x bins} grid ({@link BlockGrid}); blocks
 * that share no row and no column touch disjoint parameters, so threads update them at once with
 * no locks. Departure from the paper: FPSGD hands any free block to an idle thread, which makes
 * results depend on thread timing. Here each epoch is a seeded sequence of {@code bins} strata,
 * each stratum a set of {@code bins} mutually disjoint blocks (a shifted diagonal of a shuffled
 * grid, as in DSGD, Gemulla et al. KDD 2011); threads take blocks of a stratum from a shared
 * counter and meet at a barrier. Since blocks within a stratum are disjoint, the model depends only
 * on the seed and the thread count (which sets the default bin count), never on timing.
 *
 * <p>{@code adaptive} replaces the fixed step by per-row AdaGrad, as LibMF does (Chin et al.,
 * PAKDD 2015): each user and item row keeps the running sum {@code G} of its mean squared
 * gradient and steps by {@code eta / sqrt(G)}.
 *
 * <p>Cost per epoch: {@code O(nnz * k)} flops (about {@code 6k} per pair); memory
 * {@code 4k (users + items)} bytes of factors plus 12 bytes per pair for the grid. Thread safety:
 * the trainer is immutable; each {@link #fit} call creates and closes its own pool.
 *
 * <p>Warm start ({@link InitialFactors}): users and items an earlier mf-sgd model knows start from
 * its factors and biases, the others from the seeded Gaussian; the step size schedule and AdaGrad
 * accumulators start afresh, and {@code mu} is the new data's mean.
 */
public final class MfSgdTrainer implements Trainer<LatentFactorModel> {

  public static final String NAME = "mf-sgd";
  /** Epochs of the SGD fold-in rule stored in the model (see {@link FoldInRule.Sgd}). */
  static final int FOLD_IN_EPOCHS = 100;
  private static final Logger LOG = LoggerFactory.getLogger(MfSgdTrainer.class);

  private final MfSgdConfig config;
  private final InitialFactors initial;

  public MfSgdTrainer(MfSgdConfig config) {
    this(config, InitialFactors.NONE);
  }

  /** A trainer whose fits start from {@code initial} (a warm start) where it knows the ids. */
  public MfSgdTrainer(MfSgdConfig config, InitialFactors initial) {
    this.config = Objects.requireNonNull(config, "config");
    this.initial = Objects.requireNonNull(initial, "initial");
  }

  public MfSgdConfig config() {
    return config;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public LatentFactorModel fit(Interactions train, Interactions validation, ProgressListener listener) {
    Objects.requireNonNull(train, "train");
    Objects.requireNonNull(listener, "listener");
    if (validation != null && (validation.numUsers() > train.numUsers() || validation.numItems() > train.numItems())) {
      throw new IllegalArgumentException("validation set has ids outside the training dimensions: "
          + validation.numUsers() + " x " + validation.numItems() + " vs " + train.numUsers() + " x " + train.numItems());
    }
    if (config.earlyStoppingPatience() > 0 && validation == null) {
      throw new IllegalArgumentException("early stopping needs a validation set");
    }
    MfSgdConfig resolved = config.resolve(DataShape.of(train));
    if (resolved != config) {
      LOG.info("{}: auto settings for this data: regularization {}", NAME, resolved.regularization());
      return new MfSgdTrainer(resolved, initial).fit(train, validation, listener);
    }
    long t0 = System.nanoTime();
    return new Fit(train, validation, listener, t0).run();
  }

  /** State of one fit call. */
  private final class Fit {
    final Interactions train;
    final Interactions validation;
    final ProgressListener listener;
    final long t0;
    final int k = config.factors();
    final int bins = config.effectiveBins();
    final float mu;
    final FactorMatrix p;
    final FactorMatrix q;
    final float[] bu;
    final float[] bi;
    final float[] gu; // AdaGrad accumulators (adaptive only)
    final float[] gi;
    final BlockGrid grid;
    final int[][] schedule; // [epoch * bins + stratum] -> blocks of that stratum
    final double[] threadLoss;
    final AtomicInteger[] counters;
    volatile boolean stop;
    int epochsRun;
    long epochStart;
    double bestScore = Double.POSITIVE_INFINITY;
    int bestEpoch;
    int sinceBest;
    Snapshot best;

    Fit(Interactions train, Interactions validation, ProgressListener listener, long t0) {
      this.train = train;
      this.validation = validation;
      this.listener = listener;
      this.t0 = t0;
      SplittableRandom rng = new SplittableRandom(config.seed());
      mu = config.biases() ? (float) train.meanValue() : 0f;
      p = new FactorMatrix(train.numUsers(), k);
      q = new FactorMatrix(train.numItems(), k);
      p.fillGaussian(rng.split(), config.initStd());
      q.fillGaussian(rng.split(), config.initStd());
      zeroEmptyRows(p, train.userPtr());
      zeroEmptyRows(q, train.itemPtr());
      bu = config.biases() ? new float[train.numUsers()] : null;
      bi = config.biases() ? new float[train.numItems()] : null;
      initial.apply(NAME, train, p, q, bu, bi);
      gu = config.adaptive() ? filled(train.numUsers(), 1f) : null;
      gi = config.adaptive() ? filled(train.numItems(), 1f) : null;
      grid = new BlockGrid(train, bins, mu, rng.split());
      schedule = buildSchedule(rng.split());
      threadLoss = new double[config.threads() * 8]; // padded against false sharing
      counters = new AtomicInteger[schedule.length];
      for (int s = 0; s < counters.length; s++) counters[s] = new AtomicInteger();
    }

    int[][] buildSchedule(SplittableRandom rng) {
      int[][] out = new int[config.epochs() * bins][];
      for (int e = 0; e < config.epochs(); e++) {
        int[] colPerm = permutation(bins, rng);
        int[] strata = permutation(bins, rng);
        for (int s = 0; s < bins; s++) {
          int shift = strata[s];
          Integer[] blocks = new Integer[bins];
          for (int r = 0; r < bins; r++) blocks[r] = r * bins + colPerm[(r + shift) % bins];
          // Largest blocks first so the dynamic hand-out ends with small ones (less barrier idle).
          java.util.Arrays.sort(blocks, (a, b) -> Integer.compare(grid.blockSize(b), grid.blockSize(a)));
          int[] arr = new int[bins];
          for (int r = 0; r < bins; r++) arr[r] = blocks[r];
          out[e * bins + s] = arr;
        }
      }
      return out;
    }

    LatentFactorModel run() {
      int threads = config.threads();
      CyclicBarrier strataBarrier = new CyclicBarrier(threads, this::afterStratum);
      epochStart = System.nanoTime();
      try (WorkerPool pool = WorkerPool.create(threads, "kindred-mf-sgd")) {
        pool.forEachThread(t -> work(t, strataBarrier));
      }
      if (best != null) best.restore(this);
      double seconds = (System.nanoTime() - t0) / 1e9;
      Provenance prov = Provenance.of(NAME, config.toMap(), train, config.seed(), config.threads(), seconds);
      if (!p.allFinite() || !q.allFinite()) {
        throw new ModelFitException("mf-sgd diverged after " + epochsRun + " epochs (non-finite factors); lower "
            + "learningRate (" + config.learningRate() + ") or raise regularization (" + config.regularization() + ")");
      }
      float lo = Float.NEGATIVE_INFINITY;
      float hi = Float.POSITIVE_INFINITY;
      if (config.biases() && train.size() > 0) {
        // Explicit ratings: clip predictions to the scale seen in training.
        lo = Float.POSITIVE_INFINITY;
        hi = Float.NEGATIVE_INFINITY;
        for (float v : train.values()) {
          lo = Math.min(lo, v);
          hi = Math.max(hi, v);
        }
        if (lo == hi) { // one value only (implicit events): nothing to clip to
          lo = Float.NEGATIVE_INFINITY;
          hi = Float.POSITIVE_INFINITY;
        }
      }
      // Fold-in repeats the user half of this objective: SGD on the user's vector and bias against
      // the fixed items, long enough to converge from zero on one user's ratings.
      FoldInRule foldIn = new FoldInRule.Sgd(config.learningRate(), config.regularization(), FOLD_IN_EPOCHS, false,
          config.seed());
      return new LatentFactorModel(prov, train.userIndex(), train.itemIndex(), mu, bu, bi, p, q, lo, hi, foldIn);
    }

    /**
     * One worker's share of every stratum. A broken barrier means another worker (or the barrier
     * action) failed: this one returns and the pool rethrows that failure.
     */
    void work(int tid, CyclicBarrier barrier) {
      try {
        workStrata(tid, barrier);
      } catch (BrokenBarrierException e) {
        LOG.trace("worker {} stops: another worker failed", tid);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("training interrupted", e);
      }
    }

    private void workStrata(int tid, CyclicBarrier barrier) throws InterruptedException, BrokenBarrierException {
      Kernels kern = VectorOps.kernels();
      double loss = 0;
      for (int s = 0; s < schedule.length; s++) {
        if (stop) break;
        int[] blocks = schedule[s];
        AtomicInteger next = counters[s];
        for (int j; (j = next.getAndIncrement()) < blocks.length; ) {
          int b = blocks[j];
          loss += config.adaptive() ? updateBlockAdaptive(kern, b) : updateBlock(kern, b);
        }
        if ((s + 1) % bins == 0) {
          threadLoss[tid * 8] = loss;
          loss = 0;
        }
        barrier.await();
      }
    }

    /** Plain SGD over one block; returns the sum of squared errors before each step. */
    double updateBlock(Kernels kern, int b) {
      final int[] us = grid.users;
      final int[] is = grid.items;
      final float[] vs = grid.values;
      final float lr = currentLr;
      final float reg = config.regularization();
      final float regB = config.biasRegularization();
      final float[] bu = this.bu;
      final float[] bi = this.bi;
      final FactorMatrix p = this.p;
      final FactorMatrix q = this.q;
      final int k = this.k;
      double loss = 0;
      for (int j = grid.start[b], end = grid.start[b + 1]; j < end; j++) {
        int u = us[j];
        int i = is[j];
        float target = vs[j];
        if (bu != null) target -= bu[u] + bi[i];
        float e = kern.bilinearSgdStep(p.page(u), p.offset(u), q.page(i), q.offset(i), k, target, lr, reg, lr, reg);
        if (bu != null) {
          bu[u] += lr * (e - regB * bu[u]);
          bi[i] += lr * (e - regB * bi[i]);
        }
        loss += e * e;
      }
      return loss;
    }

    /** Per-row AdaGrad over one block (LibMF's schedule). */
    double updateBlockAdaptive(Kernels kern, int b) {
      final int[] us = grid.users;
      final int[] is = grid.items;
      final float[] vs = grid.values;
      final float eta = currentLr;
      final float reg = config.regularization();
      final float regB = config.biasRegularization();
      final float invK = 1f / k;
      float[] norms = new float[2];
      double loss = 0;
      for (int j = grid.start[b], end = grid.start[b + 1]; j < end; j++) {
        int u = us[j];
        int i = is[j];
        float[] pa = p.page(u);
        int po = p.offset(u);
        float[] qa = q.page(i);
        int qo = q.offset(i);
        float target = vs[j];
        if (bu != null) target -= bu[u] + bi[i];
        float e = target - kern.dot(pa, po, qa, qo, k);
        kern.gradientNorms(pa, po, qa, qo, k, e, reg, reg, norms);
        float lrU = eta / (float) Math.sqrt(gu[u]);
        float lrI = eta / (float) Math.sqrt(gi[i]);
        kern.crossUpdate(pa, po, qa, qo, k, 1f - lrU * reg, lrU * e, 1f - lrI * reg, lrI * e);
        gu[u] += norms[0] * invK;
        gi[i] += norms[1] * invK;
        if (bu != null) {
          bu[u] += lrU * (e - regB * bu[u]);
          bi[i] += lrI * (e - regB * bi[i]);
        }
        loss += e * e;
      }
      return loss;
    }

    /** Barrier action: runs in one thread after every stratum; reports at epoch ends. */
    void afterStratum() {
      int done = ++strataDone;
      if (done % bins != 0) return;
      epochsRun = done / bins;
      double sse = 0;
      for (int t = 0; t < config.threads(); t++) sse += threadLoss[t * 8];
      double trainRmse = Math.sqrt(sse / Math.max(1, train.size()));
      double valScore = validation == null ? Double.NaN : validationRmse();
      long now = System.nanoTime();
      listener.onEpoch(new EpochReport(epochsRun, config.epochs(), trainRmse, valScore, now - epochStart, now - t0));
      LOG.debug("epoch {}: train rmse {} validation rmse {}", epochsRun, trainRmse, valScore);
      epochStart = System.nanoTime();
      currentLr *= config.learningRateDecay();
      if (!Double.isFinite(trainRmse)) {
        stop = true;
        return;
      }
      if (config.earlyStoppingPatience() > 0) {
        if (valScore < bestScore) {
          bestScore = valScore;
          bestEpoch = epochsRun;
          sinceBest = 0;
          best = new Snapshot(this);
        } else if (++sinceBest >= config.earlyStoppingPatience()) {
          LOG.info("early stopping after epoch {}: best validation rmse {} at epoch {}", epochsRun, bestScore, bestEpoch);
          stop = true;
        }
      }
    }

    int strataDone;
    float currentLr = config.learningRate(); // written only in the barrier action

    double validationRmse() {
      Kernels kern = VectorOps.kernels();
      int[] ptr = validation.userPtr();
      int[] idx = validation.itemIdx();
      float[] val = validation.values();
      double sse = 0;
      for (int u = 0; u < validation.numUsers(); u++) {
        for (int j = ptr[u]; j < ptr[u + 1]; j++) {
          int i = idx[j];
          float pred = mu + kern.dot(p.page(u), p.offset(u), q.page(i), q.offset(i), k);
          if (bu != null) pred += bu[u] + bi[i];
          double e = val[j] - pred;
          sse += e * e;
        }
      }
      return Math.sqrt(sse / Math.max(1, validation.size()));
    }
  }

  /** Parameters at the best validation epoch, for early stopping. */
  private static final class Snapshot {
    final FactorMatrix p;
    final FactorMatrix q;
    final float[] bu;
    final float[] bi;

    Snapshot(Fit f) {
      p = f.p.copy();
      q = f.q.copy();
      bu = f.bu == null ? null : f.bu.clone();
      bi = f.bi == null ? null : f.bi.clone();
    }

    void restore(Fit f) {
      for (int pg = 0; pg < p.pageCount(); pg++) {
        System.arraycopy(p.pageArray(pg), 0, f.p.pageArray(pg), 0, p.pageArray(pg).length);
      }
      for (int pg = 0; pg < q.pageCount(); pg++) {
        System.arraycopy(q.pageArray(pg), 0, f.q.pageArray(pg), 0, q.pageArray(pg).length);
      }
      if (bu != null) {
        System.arraycopy(bu, 0, f.bu, 0, bu.length);
        System.arraycopy(bi, 0, f.bi, 0, bi.length);
      }
    }
  }

  private static void zeroEmptyRows(FactorMatrix m, int[] ptr) {
    for (int r = 0; r < m.rows(); r++) {
      if (ptr[r + 1] == ptr[r]) {
        java.util.Arrays.fill(m.page(r), m.offset(r), m.offset(r) + m.dim(), 0f);
      }
    }
  }

  private static float[] filled(int n, float v) {
    float[] a = new float[n];
    java.util.Arrays.fill(a, v);
    return a;
  }

  private static int[] permutation(int n, SplittableRandom rng) {
    int[] a = new int[n];
    for (int x = 0; x < n; x++) a[x] = x;
    for (int x = n - 1; x > 0; x--) {
      int y = rng.nextInt(x + 1);
      int t = a[x];
      a[x] = a[y];
      a[y] = t;
    }
    return a;
  }
}
