package dev.kindred.train.als;

import dev.kindred.core.FoldInRule;
import dev.kindred.core.Interactions;
import dev.kindred.core.LatentFactorModel;
import dev.kindred.core.ProgressListener;
import dev.kindred.core.Provenance;
import dev.kindred.core.Trainer;
import dev.kindred.math.NormalEquations;
import dev.kindred.train.DataShape;
import dev.kindred.train.warm.InitialFactors;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Matrix factorisation of implicit feedback by alternating least squares: Hu, Koren, Volinsky,
 * "Collaborative filtering for implicit feedback datasets", ICDM 2008, doi:10.1109/ICDM.2008.22,
 * with the conjugate-gradient user step of Takacs, Pilaszy, Tikk, "Applications of the conjugate
 * gradient method for implicit feedback collaborative filtering", RecSys 2011,
 * doi:10.1145/2043932.2043987.
 *
 * <p>Objective over all user-item pairs: {@code sum_(u,i) c_ui (p_ui - x_u . y_i)^2 + lambda
 * (sum_u |x_u|^2 + sum_i |y_i|^2)} with preference {@code p_ui = 1} for every training pair and 0
 * otherwise, and confidence {@code c_ui = 1 + alpha r_ui} ({@code r_ui} the stored value: 1 for plain
 * events, or a count). Each half-step solves, for every user,
 * {@code (Y^T Y + Y_u^T (C_u - I) Y_u + lambda I) x_u = Y_u^T C_u 1}, where {@code Y^T Y} is computed
 * once per half-step and only the user's own items add to it. Symbols: {@code f} (paper) =
 * {@link ImplicitAlsConfig#factors}, {@code alpha} = {@code alpha}, {@code lambda} =
 * {@code regularization}, {@code x_u}, {@code y_i} = rows of the user and item factor matrices.
 *
 * <p>Solvers: by default {@code cgSteps} (3) conjugate-gradient steps per row, warm-started from
 * the previous iteration's vector, with {@code A x} computed as
 * {@code Y^T Y x + lambda x + sum_i (c_i - 1)(y_i . x) y_i} without forming {@code A}
 * ({@link dev.kindred.math.ConjugateGradientSolver}); {@link AlsSolver#CHOLESKY} forms and factors
 * {@code A} exactly, as in the paper.
 *
 * <p>Departures from the paper: {@code weightedLambda = true} scales {@code lambda} by each row's
 * interaction count (off by default); the confidence is linear only (transform values beforehand for
 * the paper's log scheme); rows without interactions keep zero vectors. There are no biases and
 * {@code globalMean} is 0: scores are {@code x_u . y_i}. The listener gets NaN for the training loss
 * (the full objective costs another pass over all pairs) and for the validation score (ranking
 * metrics cost a full top-K pass; evaluate with kindred-eval instead).
 *
 * <p>Cost per iteration with CG, in multiply-adds: {@code (users + items) k^2 / 2} for the two Gram
 * matrices (lower triangles) plus, per row with {@code n} interactions,
 * {@code (steps + 1)(k^2 + 2 n k)}: {@code (steps + 1)((users + items) k^2 + 4 nnz k)} overall,
 * about 2.0 G (4 GFLOP) on Gowalla at k = 64, more than half of it the Gram products. With
 * Cholesky, {@code nnz k^2 + (users + items)(k^3 / 6 + k^2)}. Memory {@code 4 k (users + items)}
 * bytes of factors plus {@code 4 k^2 (threads + 1)} for the Gram matrix and its partial sums;
 * {@code userStorage} bf16 holds the users in {@code 2 k users} bytes instead (off heap), at the cost of
 * one rounding of each user row per iteration.
 *
 * <p>Measured (2 threads, k = 64, 15 iterations; Gowalla as split for LightGCN, 29,858 users x
 * 40,981 items, 810,128 training pairs, full ranking with training items excluded): with
 * {@code alpha} 20, {@code lambda} 70 (the defaults before {@code alpha} became {@code auto})
 * recall@20 0.144 and NDCG@20 0.125; the best of a grid over {@code alpha} 2..200 and {@code lambda} 0.1..1000 was
 * {@code alpha} 60, {@code lambda} 50: 0.151 and 0.128 (k = 128 reaches 0.164 and 0.137). Time per
 * iteration 0.065-0.075 s after JIT warm-up (k = 128: about 0.29 s); the first iteration in a fresh
 * JVM takes about 1 s more, compiling the Vector API kernels. MovieLens 100K, every rating a
 * positive, per-user 75/25 split: NDCG@10 0.455 with {@code alpha} 20. The {@code auto} alpha's
 * figures on these and two more data sets are in docs/benchmarks.md.
 *
 * <p>Thread safety: the trainer is immutable; each {@link #fit} call creates and closes its own
 * pool. The same seed and thread count give the same model bit for bit (the thread count fixes how
 * the Gram matrix is split into partial sums).
 */
public final class ImplicitAlsTrainer implements Trainer<LatentFactorModel> {

  public static final String NAME = "ials";

  private static final Logger LOG = LoggerFactory.getLogger(ImplicitAlsTrainer.class);

  private final ImplicitAlsConfig config;
  private final InitialFactors initial;

  public ImplicitAlsTrainer(ImplicitAlsConfig config) {
    this(config, InitialFactors.NONE);
  }

  /** A trainer whose fits start from {@code initial} (a warm start) where it knows the ids. */
  public ImplicitAlsTrainer(ImplicitAlsConfig config, InitialFactors initial) {
    this.config = Objects.requireNonNull(config, "config");
    this.initial = Objects.requireNonNull(initial, "initial");
  }

  public ImplicitAlsConfig config() {
    return config;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public LatentFactorModel fit(Interactions train, Interactions validation, ProgressListener listener) {
    long t0 = System.nanoTime();
    AlsInputs.check(NAME, train, validation, listener, true);
    ImplicitAlsConfig config = this.config.resolve(DataShape.of(train));
    if (config != this.config) LOG.info("{}: auto settings for this data: alpha {}", NAME, config.alpha());
    int k = config.factors();
    float alpha = config.alpha();
    float lambda = config.regularization();
    boolean weighted = config.weightedLambda();
    AlternatingLeastSquares.Start f = AlternatingLeastSquares.initialFactors(NAME, train, k, config.initStd(),
        config.seed(), initial, config.userStorage());
    new AlternatingLeastSquares(NAME, train, k, config.iterations(), config.threads(), true,
        (fixed, gram, ptr, idx, values) ->
            NormalEquations.confidenceWeighted(fixed, gram, ptr, idx, values, alpha, lambda, weighted),
        config.solver(), config.cgSteps(), (users, items, rows) -> new double[] {Double.NaN, Double.NaN})
        .run(f.users(), f.items(), listener, t0);
    double seconds = (System.nanoTime() - t0) / 1e9;
    Provenance prov = Provenance.of(NAME, config.toMap(), train, config.seed(), config.threads(), seconds);
    return new LatentFactorModel(prov, train.userIndex(), train.itemIndex(), 0f, null, null, f.users(), f.items(),
        Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, new FoldInRule.Ridge(lambda, true, alpha, weighted));
  }
}
