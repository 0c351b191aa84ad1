package dev.kindred.train.als;

import dev.kindred.core.Interactions;
import dev.kindred.core.ModelFitException;
import dev.kindred.core.ProgressListener;
import dev.kindred.core.ProgressListener.EpochReport;
import dev.kindred.math.CholeskySolver;
import dev.kindred.math.ConjugateGradientSolver;
import dev.kindred.math.FactorMatrix;
import dev.kindred.math.FactorPrecision;
import dev.kindred.math.FactorStore;
import dev.kindred.math.Gram;
import dev.kindred.math.HalfFactors;
import dev.kindred.math.NormalEquations;
import dev.kindred.math.WorkerPool;
import dev.kindred.math.WritableFactorStore;
import dev.kindred.train.warm.InitialFactors;
import java.util.SplittableRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The alternation shared by {@link AlsTrainer} and {@link ImplicitAlsTrainer}: one call to
 * {@link #run} is one fit. Each iteration solves every user's normal equations against the fixed
 * item factors, then every item's against the fixed user factors.
 *
 * <p>Per half-step: the Gram matrix of the fixed side (when the objective has one) is computed once,
 * on all threads ({@link Gram}); then threads take chunks of {@value #CHUNK} rows from a shared
 * counter, so one heavy user does not hold up a thread's whole share on power-law data, and solve
 * each row in place with their own solver (scratch allocated once per fit). A row's solution
 * depends only on the fixed side and its own previous value, never on which thread ran it, so the
 * model depends on the seed and thread count only (the thread count enters through the Gram
 * partial sums).
 *
 * <p>Warm start ({@link InitialFactors}): rows an earlier model of the same algorithm knows start
 * from its factors, so the first user half-step already solves against trained items; rows it does
 * not know start from the seeded Gaussian.
 *
 * <p>User factors in 16 bits ({@link HalfFactors}, for a side of tens of millions of rows): each user
 * row is widened into a per-thread buffer, solved there in fp32 and rounded back; the item half-step
 * reads them through {@link NormalEquations}' gathered path and {@link Gram}'s widened blocks. Every
 * computation stays fp32; what changes is that the item half-step sees user factors rounded to 16
 * bits, as a model written in bf16 is seen when it is served.
 */
final class AlternatingLeastSquares {

  /** Rows per work unit: small enough to balance power-law rows, large enough to keep the counter cold. */
  static final int CHUNK = 32;

  private static final Logger LOG = LoggerFactory.getLogger(AlternatingLeastSquares.class);

  /** Builds one half-step's equations from the fixed factors, their Gram matrix (or null) and a CSR side. */
  @FunctionalInterface
  interface Equations {
    NormalEquations of(FactorStore fixed, float[] gram, int[] ptr, int[] idx, float[] values);
  }

  /** Scores the factors after an iteration: {@code {trainLoss, validationScore}}, NaN when unknown. */
  @FunctionalInterface
  interface Scorer {
    double[] score(FactorStore users, FactorMatrix items, Rows rows);
  }

  private final String name;
  private final Interactions train;
  private final int k;
  private final int iterations;
  private final int threads;
  private final boolean needsGram;
  private final Equations equations;
  private final AlsSolver solver;
  private final int cgSteps;
  private final Scorer scorer;

  AlternatingLeastSquares(String name, Interactions train, int k, int iterations, int threads, boolean needsGram,
      Equations equations, AlsSolver solver, int cgSteps, Scorer scorer) {
    this.name = name;
    this.train = train;
    this.k = k;
    this.iterations = iterations;
    this.threads = threads;
    this.needsGram = needsGram;
    this.equations = equations;
    this.solver = solver;
    this.cgSteps = cgSteps;
    this.scorer = scorer;
  }

  /**
   * Seeded Gaussian factors; rows without interactions start (and stay) at zero; then the rows
   * {@code initial} knows (a warm start) take its factors.
   */
  static FactorMatrix[] initialFactors(String name, Interactions train, int k, float initStd, long seed,
      InitialFactors initial) {
    Start s = initialFactors(name, train, k, initStd, seed, initial, FactorPrecision.FP32);
    return new FactorMatrix[] {(FactorMatrix) s.users(), s.items()};
  }

  /** The starting factors: users in {@code userPrecision} (fp32 on the heap, else {@link HalfFactors}), items fp32. */
  record Start(WritableFactorStore users, FactorMatrix items) {}

  /**
   * As {@link #initialFactors(String, Interactions, int, float, long, InitialFactors)}, with the user
   * factors held in {@code userPrecision}: a 16-bit store draws the same Gaussian stream, rounded.
   *
   * @throws IllegalArgumentException for a warm start with 16-bit user factors (not supported)
   */
  static Start initialFactors(String name, Interactions train, int k, float initStd, long seed,
      InitialFactors initial, FactorPrecision userPrecision) {
    SplittableRandom rng = new SplittableRandom(seed);
    WritableFactorStore users;
    if (userPrecision == FactorPrecision.FP32) {
      FactorMatrix u = new FactorMatrix(train.numUsers(), k);
      u.fillGaussian(rng.split(), initStd);
      users = u;
    } else {
      if (initial != InitialFactors.NONE) {
        throw new IllegalArgumentException(name + ": a warm start needs fp32 user factors, not "
            + userPrecision.label() + " (drop the 16-bit training state or the initial model)");
      }
      HalfFactors u = new HalfFactors(train.numUsers(), k, userPrecision);
      u.fillGaussian(rng.split(), initStd);
      users = u;
    }
    FactorMatrix items = new FactorMatrix(train.numItems(), k);
    items.fillGaussian(rng.split(), initStd);
    zeroEmptyRows(users, train.userPtr());
    zeroEmptyRows(items, train.itemPtr());
    if (users instanceof FactorMatrix u) initial.apply(name, train, u, items, null, null);
    return new Start(users, items);
  }

  /**
   * Runs every iteration in place on {@code users} and {@code items}, reporting to
   * {@code listener} after each.
   *
   * @throws ModelFitException if a row's system is singular or the factors are not finite
   */
  void run(WritableFactorStore users, FactorMatrix items, ProgressListener listener, long t0) {
    try (WorkerPool pool = WorkerPool.create(threads, "kindred-" + name)) {
      Rows rows = new Rows(pool);
      NormalEquations.Solver[] solvers = new NormalEquations.Solver[threads];
      float[][] scratch = new float[threads][k]; // a 16-bit row widened, solved, rounded back
      for (int t = 0; t < threads; t++) {
        solvers[t] = solver == AlsSolver.CG ? new ConjugateGradientSolver(k, cgSteps) : new CholeskySolver(k);
      }
      float[] gram = needsGram ? new float[k * k] : null;
      float[][] partials = needsGram ? new float[threads][k * k] : null;
      for (int it = 1; it <= iterations; it++) {
        long start = System.nanoTime();
        halfStep(rows, solvers, scratch, users, items, gram, partials, train.userPtr(), train.itemIdx(), train.values(),
            "user");
        halfStep(rows, solvers, scratch, items, users, gram, partials, train.itemPtr(), train.userIdx(),
            train.itemValues(), "item");
        long solved = System.nanoTime();
        double[] score = scorer.score(users, items, rows);
        long now = System.nanoTime();
        LOG.debug("{} iteration {}: {} ms solving, {} ms scoring, train {} validation {}", name, it,
            (solved - start) / 1_000_000, (now - solved) / 1_000_000, score[0], score[1]);
        listener.onEpoch(new EpochReport(it, iterations, score[0], score[1], now - start, now - t0));
      }
      // Checked once: a scan of every factor costs a few percent of an iteration.
      if (!users.allFinite() || !items.allFinite()) {
        throw new ModelFitException(name + " diverged (non-finite factors after " + iterations + " iterations); "
            + "check the input values and raise regularization");
      }
    }
  }

  /** Solves every row of {@code solved} against {@code fixed}; the CSR side gives each row's entries. */
  private void halfStep(Rows rows, NormalEquations.Solver[] solvers, float[][] scratch, WritableFactorStore solved,
      FactorStore fixed, float[] gram, float[][] partials, int[] ptr, int[] idx, float[] values, String side) {
    long t0 = System.nanoTime();
    if (gram != null) {
      Gram.compute(fixed, gram, partials, rows.pool);
    }
    long t1 = System.nanoTime();
    NormalEquations eq = equations.of(fixed, gram, ptr, idx, values);
    rows.forEach(solved.rows(), (t, r) -> {
      if (ptr[r + 1] == ptr[r]) {
        return; // no interactions: the row stays zero
      }
      try {
        if (solved instanceof FactorMatrix m) {
          solvers[t].solve(eq, r, m.page(r), m.offset(r));
        } else {
          solved.copyRow(r, scratch[t], 0);
          solvers[t].solve(eq, r, scratch[t], 0);
          solved.setRow(r, scratch[t], 0);
        }
      } catch (IllegalArgumentException e) {
        throw new ModelFitException(name + ": the normal equations of " + side + " " + r + " ("
            + (ptr[r + 1] - ptr[r]) + " interactions) are singular; raise regularization (" + e.getMessage() + ")");
      }
    });
    LOG.trace("{} {} half-step: Gram {} ms, solve {} ms", name, side, (t1 - t0) / 1_000_000,
        (System.nanoTime() - t1) / 1_000_000);
  }

  private static void zeroEmptyRows(WritableFactorStore m, int[] ptr) {
    float[] zero = new float[m.dim()];
    for (int r = 0; r < m.rows(); r++) {
      if (ptr[r + 1] == ptr[r]) {
        m.setRow(r, zero, 0);
      }
    }
  }

  /** Runs row work on the fit's pool: chunks of {@value #CHUNK} rows handed out by a shared counter. */
  static final class Rows {
    final WorkerPool pool;

    Rows(WorkerPool pool) {
      this.pool = pool;
    }

    /** Work on row {@code r} by task {@code t} (which owns scratch slot {@code t}). */
    @FunctionalInterface
    interface RowTask {
      void run(int t, int r);
    }

    /** Calls {@code task} once for every row in {@code [0, n)}; returns when all are done. */
    void forEach(int n, RowTask task) {
      pool.forEachShared(chunks(n), (t, c) -> {
        for (int r = c * CHUNK, end = Math.min(n, r + CHUNK); r < end; r++) {
          task.run(t, r);
        }
      });
    }

    /**
     * Sum over rows {@code [0, n)} of {@code f(r)}, added per chunk and then in chunk order, so the
     * total does not depend on which thread ran which chunk.
     */
    double sum(int n, RowSum f) {
      double[] partial = new double[chunks(n)];
      pool.forEachShared(partial.length, (t, c) -> {
        double s = 0;
        for (int r = c * CHUNK, end = Math.min(n, r + CHUNK); r < end; r++) {
          s += f.of(r);
        }
        partial[c] = s;
      });
      double total = 0;
      for (double p : partial) {
        total += p;
      }
      return total;
    }

    @FunctionalInterface
    interface RowSum {
      double of(int r);
    }

    private static int chunks(int n) {
      return (n + CHUNK - 1) / CHUNK;
    }
  }
}
