package dev.kindred.bench;

import dev.kindred.math.MatrixProduct;
import dev.kindred.math.MatrixProduct.Operand;
import dev.kindred.math.MatrixProduct.Triangle;
import dev.kindred.math.SpdInverse;
import dev.kindred.math.WorkerPool;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * EASE's dense part: {@link SpdInverse} on an {@code n x n} SPD matrix, and the
 * {@link MatrixProduct} kernel it is built on, with 1 and 2 worker threads.
 *
 * <p>Flops counted: {@code inverse} {@code n^3} (what any symmetric inverse needs: {@code n^3 / 3}
 * each for a Cholesky factor, its triangular inverse and {@code U^-1 U^-T}; the block sweeps of
 * {@link SpdInverse} do {@code n^3} in the rank-256 updates plus {@code 2 * 256 * n^2} for the
 * scaled block rows, which are not counted); {@code product} {@code 2 n^3} (a full square
 * {@code C += A B}); {@code rankUpdate} {@code 256 n^2}, one sweep's update shape (the upper
 * triangle of {@code C -= R^T T} with {@code R}, {@code T} of {@code 256 x n}), where the
 * inverse's flops are. The {@code flops} column (an {@link AuxCounters} rate, ns time unit) is
 * GFLOP/s directly; divide by {@code PeakFlopsBenchmark}'s number for the same thread count, run
 * beside it. The input is {@code X^T X / users + I} for a random binary {@code X} (condition number
 * about 10), restored before every inversion by an {@code n^2} copy that is included in the time
 * (under 0.1% of it).
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -jar kindred-bench/target/kindred-bench.jar
 * SpdInverseBenchmark -f 1 -wi 1 -i 3}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 1, time = 5)
@Measurement(iterations = 3, time = 5)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx2g"})
public class SpdInverseBenchmark {

  @Param({"2048", "4096"})
  int n;

  @Param({"1", "2"})
  int threads;

  private float[] spd;
  private float[] work;
  private float[] a;
  private float[] b;
  private float[] c;
  private WorkerPool pool;
  private MatrixProduct product;

  /** Flops done so far by this benchmark thread; JMH reports the rate (flops per ns = GFLOP/s). */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Flops {
    public long flops;

    @Setup(Level.Iteration)
    public void clear() {
      flops = 0;
    }
  }

  @Setup(Level.Trial)
  public void setUp() {
    SplittableRandom rng = new SplittableRandom(42);
    int users = 2 * n;
    float[] x = new float[users * n];
    for (int i = 0; i < x.length; i++) x[i] = rng.nextDouble() < 0.02 ? 1f : 0f;
    spd = new float[n * n];
    pool = WorkerPool.create(threads, "bench-spd");
    product = new MatrixProduct(pool);
    Operand xs = Operand.of(x, 0, n);
    product.multiplyAdd(n, n, users, 1f / users, xs.transpose(), xs, spd, 0, n, Triangle.UPPER);
    for (int i = 0; i < n; i++) spd[i * n + i] += 1f;
    work = new float[n * n];
    a = new float[n * n];
    b = new float[n * n];
    c = new float[n * n];
    for (int i = 0; i < a.length; i++) {
      a[i] = (float) rng.nextDouble();
      b[i] = (float) rng.nextDouble();
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    pool.close();
  }

  @Benchmark
  public float inverse(Flops counter) {
    System.arraycopy(spd, 0, work, 0, spd.length);
    SpdInverse.invert(work, n, threads);
    counter.flops += (long) n * n * n;
    return work[n + 1];
  }

  @Benchmark
  public float rankUpdate(Flops counter) {
    int k = 256;
    product.multiplyAdd(n, n, k, -1f, Operand.of(a, 0, n).transpose(), Operand.of(b, 0, n), c, 0, n, Triangle.UPPER);
    counter.flops += (long) k * n * n;
    return c[n + 1];
  }

  @Benchmark
  public float product(Flops counter) {
    product.multiplyAdd(n, n, n, 1f, Operand.of(a, 0, n), Operand.of(b, 0, n), c, 0, n, Triangle.FULL);
    counter.flops += 2L * n * n * n;
    return c[n + 1];
  }
}
