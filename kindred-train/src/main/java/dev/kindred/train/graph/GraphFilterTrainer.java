package dev.kindred.train.graph;

import dev.kindred.core.GraphFilterModel;
import dev.kindred.core.Interactions;
import dev.kindred.core.ProgressListener;
import dev.kindred.core.ProgressListener.EpochReport;
import dev.kindred.core.Provenance;
import dev.kindred.core.Trainer;
import dev.kindred.math.FactorMatrix;
import dev.kindred.math.WorkerPool;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The training-free graph filter GF-CF (Shen, Wu, Zhang, Shen, Wang, Letaief, Li, "How Powerful is
 * Graph Convolution for Recommendation?", CIKM 2021, doi:10.1145/3459637.3482264,
 * arXiv:2108.07567), producing a {@link GraphFilterModel}: scores
 * {@code s_u = r_u (R~^T R~ + alpha D_I^-1/2 U_k U_k^T D_I^1/2)} with {@code R~ = D_U^-1/2 R D_I^-1/2}.
 * "Fitting" is building {@code R~} ({@link BipartiteGraph#normalized}) and finding the top
 * {@code k} right singular vectors of {@code R~} for the ideal low-pass filter; nothing is learned
 * by gradient.
 *
 * <p>Paper symbols to our names: {@code R~} = {@link BipartiteGraph#userItem()}; {@code k} (the
 * ideal filter's cut-off, 256 on Gowalla; by default chosen from the catalogue size) = {@link GraphFilterConfig#rank()}; {@code alpha} (0.3)
 * = {@link GraphFilterConfig#idealWeight()}; the paper's {@code U} ("top-k singular vectors",
 * {@code sparsesvd(R~, k)}'s {@code vt} in the authors' code) is our {@code V}. The user row
 * {@code r_u} is binary and not normalised, as in the authors' code (the paper's eq. 12).
 *
 * <p>Departures: a rank above {@code min(users, items)} is capped there (with a warning), since
 * {@code R~} has no more singular vectors; the truncated SVD is the randomized subspace iteration of {@link RandomizedSvd}
 * (Halko et al. 2011, arXiv:0909.4061) instead of the exact Lanczos {@code sparsesvd}; with the
 * default power iterations and oversampling the recall on Gowalla is that of the exact vectors
 * (docs/benchmarks.md). BSPM's refinement (Choi et al., SIGIR 2023) is not implemented.
 *
 * <p>Cost: building {@code R~} is O(users + items + nnz); the SVD is
 * {@code (q + 1) * 4 * nnz * l} flops of SpMM plus {@code (2q + 2) * 2 * items * l^2} flops of dense
 * products ({@code l = rank + oversampling}, rounded up to the panel width), and an {@code l x l}
 * eigendecomposition per orthonormalisation. Memory: {@code R~} twice (16 bytes per interaction)
 * plus three {@code max(users, items) x l} float arrays during the fit; the model keeps
 * {@code items x rank} floats. Scoring is {@link dev.kindred.core.GraphFilterRecommender}'s.
 *
 * <p>Reproducibility: the Gaussian sketch comes from the config seed; every parallel step sums over
 * a fixed partition, so the same seed gives the same model for any thread count. Immutable;
 * {@link #fit} may run concurrently.
 */
public final class GraphFilterTrainer implements Trainer<GraphFilterModel> {

  public static final String NAME = "graph-filter";
  private static final Logger LOG = LoggerFactory.getLogger(GraphFilterTrainer.class);

  private final GraphFilterConfig config;

  public GraphFilterTrainer(GraphFilterConfig config) {
    this.config = Objects.requireNonNull(config, "config");
  }

  public GraphFilterConfig config() {
    return config;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public GraphFilterModel fit(Interactions train, Interactions validation, ProgressListener listener) {
    Objects.requireNonNull(train, "train");
    Objects.requireNonNull(listener, "listener");
    int n = train.numItems();
    int requested = config.rankFor(n);
    int rank = Math.min(requested, Math.min(train.numUsers(), n));
    if (rank < 1) {
      throw new IllegalArgumentException("graph-filter needs at least one user and one item, got "
          + train.numUsers() + " x " + n);
    }
    if (rank < requested && config.rank() != GraphFilterConfig.AUTO_RANK) {
      LOG.warn("graph-filter: rank {} capped at min(users, items) = {}: R~ has no more singular vectors",
          requested, rank);
    }
    long t0 = System.nanoTime();
    BipartiteGraph graph = BipartiteGraph.normalized(train);
    int sketch = RandomizedSvd.sketchWidth(rank, config.oversampling());
    RandomizedSvd.Result svd;
    try (WorkerPool pool = WorkerPool.create(config.threads(), "kindred-graph-filter")) {
      svd = new RandomizedSvd(graph.userItem(), graph.itemUser(), sketch, pool).run(rank, config.powerIterations(),
          config.seed());
    }
    FactorMatrix factors = idealFactors(svd, graph.itemDegree());
    long elapsed = System.nanoTime() - t0;
    LOG.debug("graph-filter: {} x {} ({} pairs), rank {}, sketch {}, {} power iterations, sigma {} .. {}, {} s",
        train.numUsers(), n, train.size(), rank, sketch, config.powerIterations(), svd.singularValues()[0],
        svd.singularValues()[rank - 1], elapsed / 1e9);
    listener.onEpoch(new EpochReport(1, 1, Double.NaN, Double.NaN, elapsed, elapsed));
    Map<String, String> settings = config.toMap();
    settings.put("rank", Integer.toString(rank));
    Provenance provenance = Provenance.of(NAME, settings, train, config.seed(), config.threads(), elapsed / 1e9);
    float[] ones = new float[train.size()];
    Arrays.fill(ones, 1f);
    return new GraphFilterModel(provenance, train.withValues(ones), graph.userItem(), factors, config.idealWeight());
  }

  /** {@code q_j = sqrt(d_j) v_j}: the item side of the ideal filter {@code D_I^-1/2 V V^T D_I^1/2}. */
  private static FactorMatrix idealFactors(RandomizedSvd.Result svd, float[] itemDegree) {
    int rank = svd.rank();
    FactorMatrix q = new FactorMatrix(itemDegree.length, rank);
    float[] row = new float[rank];
    for (int i = 0; i < itemDegree.length; i++) {
      float s = (float) Math.sqrt(itemDegree[i]);
      for (int c = 0; c < rank; c++) {
        row[c] = s * svd.v()[i * rank + c];
      }
      q.setRow(i, row, 0);
    }
    return q;
  }
}
