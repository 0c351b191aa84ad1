package dev.kindred.train.graph;

import dev.kindred.core.FoldInRule;
import dev.kindred.core.Interactions;
import dev.kindred.core.LatentFactorModel;
import dev.kindred.core.ModelFitException;
import dev.kindred.core.ProgressListener;
import dev.kindred.core.ProgressListener.EpochReport;
import dev.kindred.core.Provenance;
import dev.kindred.core.Trainer;
import dev.kindred.math.FactorMatrix;
import dev.kindred.math.WorkerPool;
import dev.kindred.train.bpr.NegativeSampler;
import dev.kindred.train.nn.Optimizer;
import dev.kindred.train.nn.SharedNegativeSoftmax;
import dev.kindred.train.nn.TripleSampler;
import java.util.Objects;
import java.util.SplittableRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * LightGCN: collaborative filtering by linear propagation of id embeddings over the user-item
 * graph, trained by BPR.
 *
 * <p>Paper: He, Deng, Wang, Li, Zhang, Wang, "LightGCN: Simplifying and Powering Graph Convolution
 * Network for Recommendation", SIGIR 2020, doi:10.1145/3397271.3401063, arXiv:2002.02126. With the
 * normalised interaction matrix {@code R~ = D_U^-1/2 R D_I^-1/2} ({@link BipartiteGraph}), layer
 * {@code l+1} is {@code E_U^(l+1) = R~ E_I^(l)}, {@code E_I^(l+1) = R~^T E_U^(l)}; the final
 * embeddings are the layer mean {@code e = 1/(K+1) sum_{l=0..K} e^(l)} (the paper's
 * {@code alpha_k = 1/(K+1)}), the score is {@code e_u . e_i}, and the loss per batch of {@code B}
 * triples is {@code mean(-ln sigma(e_u . e_i - e_u . e_j)) + lambda/2 (|e_u^0|^2 + |e_i^0|^2 +
 * |e_j^0|^2) / B} (the reference code's form). Symbols: {@code K} = {@code layers}, the
 * embedding size = {@code factors}, {@code lambda} = {@code regularization}, the batch =
 * {@code batchSize}; the optimiser is Adam ({@link Optimizer}) unless configured otherwise.
 *
 * <p>Schedule. The reference recomputes the whole propagation for every batch; so does this
 * trainer, because the exact gradient needs it: every Adam step moves every layer-0 row (dense
 * Adam keeps moving rows on momentum), so no final embedding stays valid across a step. What it
 * does differently is how each step is computed ({@link LightGcnObjective},
 * {@link LayerMeanPropagation}): the layer mean in Horner form with fused SpMM-accumulate (no
 * per-layer buffers or sum passes); the last forward step only for the batch's rows and the first
 * backward step only from them (the loss reads the final embeddings, and writes their gradient,
 * only there), so a step costs {@code 2 (K - 1)} full SpMM pairs instead of {@code 2 K}; the
 * backward pass as the same symmetric map, reusing both stored matrices (no transpose of the full
 * matrix per step); Adam as one streaming kernel per table. The batch size is the other lever: a
 * step's cost grows much less than its batch (the propagation does not depend on it), so larger
 * batches amortise the propagation (the defaults' choice). What each bought is measured in docs/benchmarks.md ("LightGCN").
 *
 * <p>Departures from the paper: none in the model or its gradient. Triples follow the reference
 * code's sampler by default ({@link TripleSampler.Scheme#USERS}). An optional per-epoch decay of the
 * learning rate is Kindred's.
 *
 * <p>Model: a {@link LatentFactorModel} whose user and item factors are the final (layer-mean)
 * embeddings, so retrieval, serving and ANN need nothing new; its fold-in rule
 * ({@link FoldInRule.Propagation}) computes a new user's final embedding by one propagation of the
 * user's row over a stored item basis (twice the item-side memory of a plain factor model).
 *
 * <p>Cost per step: {@code 8 (K - 1) nnz k} flops of full SpMMs (forward and backward) plus
 * {@code 8 k} times the batch's total degree for the restricted steps, {@code 4 (K - 1)} copies of
 * an embedding table, and an Adam pass over the {@code (users + items) k} parameters; an epoch is
 * {@code ceil(|S| / batchSize)} steps. Memory: about 9 floats per parameter (weights, two Adam
 * moments, gradients, a zero-padded gradient base, two propagation scratch copies, final
 * embeddings for the model). Reproducibility: the same seed
 * gives the same model bit for bit, whatever the thread count (the triples are drawn sequentially,
 * each SpMM output row and each Adam element is computed by one thread in a fixed order). Thread
 * safety: the trainer is immutable; each {@link #fit} creates and closes its own pool.
 */
public final class LightGcnTrainer implements Trainer<LatentFactorModel> {

  public static final String NAME = "lightgcn";
  private static final Logger LOG = LoggerFactory.getLogger(LightGcnTrainer.class);

  /** Receives the model after each epoch (benchmarks draw learning curves with it). */
  @FunctionalInterface
  public interface EpochObserver {
    EpochObserver NONE = (epoch, model) -> {};

    /** Called on the fitting thread; its time is not counted in the epoch's time. */
    void afterEpoch(int epoch, LatentFactorModel model);
  }

  private final LightGcnConfig config;

  public LightGcnTrainer(LightGcnConfig config) {
    this.config = Objects.requireNonNull(config, "config");
  }

  public LightGcnConfig config() {
    return config;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public LatentFactorModel fit(Interactions train, Interactions validation, ProgressListener listener) {
    return fit(train, listener, EpochObserver.NONE);
  }

  /** As {@link #fit(Interactions, Interactions, ProgressListener)}, handing the model to {@code observer} after each epoch. */
  public LatentFactorModel fit(Interactions train, ProgressListener listener, EpochObserver observer) {
    Objects.requireNonNull(train, "train");
    Objects.requireNonNull(listener, "listener");
    Objects.requireNonNull(observer, "observer");
    if (train.size() == 0) {
      throw new IllegalArgumentException("lightgcn needs at least one training pair, got " + train);
    }
    try (WorkerPool pool = WorkerPool.create(config.threads(), "kindred-lightgcn")) {
      return new Fit(train, pool, System.nanoTime()).run(listener, observer);
    }
  }

  /** State of one fit call. */
  private final class Fit {
    final Interactions train;
    final WorkerPool pool;
    final long t0;
    final int k = config.factors();
    final LayerMeanPropagation propagation;
    final TripleSampler sampler;
    final SplittableRandom rng;
    final float[] e0U; // layer-0 embeddings: the parameters
    final float[] e0I;
    final float[] fU; // final embeddings
    final float[] fI;
    final LightGcnObjective objective;
    final float[] dU; // dL/dE0
    final float[] dI;
    final Optimizer optU;
    final Optimizer optI;

    Fit(Interactions train, WorkerPool pool, long t0) {
      this.train = train;
      this.pool = pool;
      this.t0 = t0;
      int users = train.numUsers();
      int items = train.numItems();
      long params = (long) (users + items) * k;
      if ((long) users * k > Integer.MAX_VALUE - 8 || (long) items * k > Integer.MAX_VALUE - 8) {
        throw new IllegalArgumentException("embedding tables of " + params + " floats exceed one array");
      }
      rng = new SplittableRandom(config.seed());
      FactorMatrix init = new FactorMatrix(users + items, k);
      init.fillGaussian(rng.split(), config.initStd());
      e0U = new float[users * k];
      e0I = new float[items * k];
      for (int u = 0; u < users; u++) init.copyRow(u, e0U, u * k);
      for (int i = 0; i < items; i++) init.copyRow(users + i, e0I, i * k);
      propagation = new LayerMeanPropagation(BipartiteGraph.normalized(train), k, config.layers());
      sampler = new TripleSampler(train, config.sampling(), NegativeSampler.uniform(items));
      fU = new float[e0U.length];
      fI = new float[e0I.length];
      objective = new LightGcnObjective(propagation, k, config.regularization(), LightGcnObjective.RESTRICT_BELOW,
          config.loss() == LightGcnConfig.Loss.SOFTMAX ? new SharedNegativeSoftmax(k, config.temperature(), pool) : null,
          config.poolSize());
      dU = new float[e0U.length];
      dI = new float[e0I.length];
      optU = new Optimizer(config.optimizerConfig(), e0U.length);
      optI = new Optimizer(config.optimizerConfig(), e0I.length);
    }

    LatentFactorModel run(ProgressListener listener, EpochObserver observer) {
      long observed = 0; // observer time, excluded from the reported times
      for (int e = 1; e <= config.epochs(); e++) {
        long start = System.nanoTime();
        float lrScale = (float) Math.pow(config.learningRateDecay(), e - 1);
        TripleSampler.Triples triples = sampler.epoch(rng.split());
        double loss = 0;
        int batches = triples.batches(config.batchSize());
        for (int b = 0; b < batches; b++) {
          int from = b * config.batchSize();
          loss += step(triples, from, Math.min(triples.size(), from + config.batchSize()), lrScale);
        }
        double meanLoss = loss / batches;
        long now = System.nanoTime();
        listener.onEpoch(new EpochReport(e, config.epochs(), meanLoss, Double.NaN, now - start, now - t0 - observed));
        LOG.debug("epoch {}: loss {} in {} ms", e, meanLoss, (now - start) / 1_000_000);
        if (!Double.isFinite(meanLoss)) {
          throw new ModelFitException("lightgcn diverged in epoch " + e + " (loss " + meanLoss + "); lower learningRate ("
              + config.learningRate() + ") or raise regularization (" + config.regularization() + ")");
        }
        if (observer != EpochObserver.NONE) {
          long before = System.nanoTime();
          observer.afterEpoch(e, model(now - t0 - observed));
          observed += System.nanoTime() - before;
        }
      }
      return model(System.nanoTime() - t0 - observed);
    }

    /** One optimiser step on triples {@code [from, to)}; returns the batch's loss (BPR mean plus L2). */
    double step(TripleSampler.Triples t, int from, int to, float lrScale) {
      double loss = objective.evaluate(e0U, e0I, t.users(), t.positives(), t.negatives(), from, to, dU, dI, pool);
      optU.stepDense(e0U, dU, lrScale, pool);
      optI.stepDense(e0I, dI, lrScale, pool);
      return loss;
    }

    LatentFactorModel model(long nanos) {
      propagation.apply(e0U, e0I, fU, fI, pool);
      int[] degree = new int[train.numItems()];
      for (int i = 0; i < degree.length; i++) degree[i] = train.itemDegree(i);
      FactorMatrix p = matrix(fU, train.numUsers());
      FactorMatrix q = matrix(fI, train.numItems());
      FactorMatrix basis = matrix(propagation.itemBasis(e0U, e0I, degree, pool), train.numItems());
      if (!p.allFinite() || !q.allFinite() || !basis.allFinite()) {
        throw new ModelFitException("lightgcn diverged (non-finite embeddings); lower learningRate ("
            + config.learningRate() + ") or raise regularization (" + config.regularization() + ")");
      }
      Provenance prov = Provenance.of(NAME, config.toMap(), train, config.seed(), config.threads(), nanos / 1e9);
      return new LatentFactorModel(prov, train.userIndex(), train.itemIndex(), 0f, null, null, p, q,
          Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, new FoldInRule.Propagation(basis));
    }

    FactorMatrix matrix(float[] rows, int n) {
      FactorMatrix m = new FactorMatrix(n, k);
      for (int r = 0; r < n; r++) m.setRow(r, rows, r * k);
      return m;
    }
  }
}
