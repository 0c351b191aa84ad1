package dev.kindred.bench;

import dev.kindred.math.CholeskySolver;
import dev.kindred.math.ConjugateGradientSolver;
import dev.kindred.math.FactorMatrix;
import dev.kindred.math.Gram;
import dev.kindred.math.NormalEquations;
import dev.kindred.math.VectorOps;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The implicit-ALS user step for one user with {@code n} interactions at {@code k = 64} against
 * 40,000 items (Gowalla's size), Gram matrix precomputed: three warm-started conjugate-gradient steps
 * ({@code cg3}, the default solver) against the exact Cholesky solve ({@code cholesky}), and the
 * two kernels CG spends its time in.
 *
 * <p>Flops of {@code cg3} (multiply-add = 2): four passes (the initial residual, then one
 * {@code A p} per step), each a shifted Gram product ({@code 2k^2} = 8,192) and a gathered
 * dot-plus-update per interaction ({@code 4k} = 256 each, 7,680 for n = 30), plus {@code 10k} per
 * step for the vector updates: about 65,600 flops at n = 30. {@code cholesky}: {@code n k^2} to
 * form the lower triangle of {@code A} (122,880), {@code k^3 / 3} to factor (87,381), {@code 2k^2}
 * to substitute and {@code 2nk} for the right-hand side: about 222,000 flops, 3.4 times CG's.
 * Each op restores {@code x} (64 floats) so every CG solve starts from the same warm start.
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -jar kindred-bench/target/kindred-bench.jar ConjugateGradient}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class ConjugateGradientBenchmark {

  static final int K = 64;
  static final int ITEMS = 40_000;

  @Param({"30"})
  int n;

  private NormalEquations eq;
  private ConjugateGradientSolver cg;
  private CholeskySolver cholesky;
  private float[] gram;
  private float[] x0;
  private float[] x;
  private float[] out;
  private float[] itemPage;
  private int[] idx;
  private float[] w;

  @Setup
  public void setup() {
    SplittableRandom rng = new SplittableRandom(7);
    FactorMatrix items = new FactorMatrix(ITEMS, K);
    items.fillGaussian(rng.split(), 0.1f);
    gram = new float[K * K];
    Gram.compute(items, 0, ITEMS, gram);
    idx = rng.ints(4L * n, 0, ITEMS).distinct().limit(n).sorted().toArray();
    w = new float[idx.length];
    Arrays.fill(w, 1f);
    eq = NormalEquations.confidenceWeighted(items, gram, new int[] {0, idx.length}, idx, w, 20f, 0.1f, false);
    cg = new ConjugateGradientSolver(K, 3);
    cholesky = new CholeskySolver(K);
    x0 = new float[K];
    cholesky.solve(eq, 0, x0, 0);
    for (int c = 0; c < K; c++) {
      x0[c] += (float) rng.nextDouble(-0.05, 0.05); // a previous iteration's vector: near, not at, the solution
    }
    x = x0.clone();
    out = new float[K];
    itemPage = items.page(0);
  }

  @Benchmark
  public float[] cg3() {
    System.arraycopy(x0, 0, x, 0, K);
    cg.solve(eq, 0, x, 0);
    return x;
  }

  @Benchmark
  public float[] cholesky() {
    cholesky.solve(eq, 0, x, 0);
    return x;
  }

  /** One shifted Gram product {@code (G + lambda I) x}: {@code 2k^2} flops. */
  @Benchmark
  public float[] symv() {
    VectorOps.kernels().symv(gram, 0, K, 0.1f, x0, 0, out, 0);
    return out;
  }

  /** One gathered pass {@code sum_j (t_j + h_j (q_j . x)) q_j} over the n items: {@code 4kn} flops. */
  @Benchmark
  public float[] sparseGramVec() {
    Arrays.fill(out, 0f);
    VectorOps.kernels().sparseGramVec(itemPage, K, idx, 0, w, 0, idx.length, 1f, 20f, 0f, -20f, x0, 0, out, 0);
    return out;
  }
}
