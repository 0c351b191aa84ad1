package dev.kindred.bench;

import dev.kindred.math.Kernels;
import dev.kindred.math.ScalarKernels;
import dev.kindred.math.VectorOps;
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
 * The matrix-factorisation SGD step ({@code bilinearSgdStep}) on cache-resident rows, SIMD against
 * the scalar twin: one step is about {@code 6k} flops (dot 2k, two scaled updates 4k).
 * Run: {@code java --add-modules jdk.incubator.vector -jar kindred-bench/target/kindred-bench.jar SgdKernel}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class SgdKernelBenchmark {

  @Param({"32", "64", "128"})
  int k;

  private static final int ROWS = 256;
  private float[] p;
  private float[] q;
  private int next;
  private final Kernels simd = VectorOps.kernels();
  private final Kernels scalar = new ScalarKernels();

  @Setup
  public void setup() {
    SplittableRandom r = new SplittableRandom(7);
    p = new float[ROWS * k];
    q = new float[ROWS * k];
    for (int j = 0; j < p.length; j++) {
      p[j] = (float) r.nextDouble(-0.1, 0.1);
      q[j] = (float) r.nextDouble(-0.1, 0.1);
    }
  }

  @Benchmark
  public float sgdStepSimd() {
    int row = (next = (next + 37) & (ROWS - 1)) * k;
    return simd.bilinearSgdStep(p, row, q, ((row / k * 11) & (ROWS - 1)) * k, k, 3.5f, 0.001f, 0.05f, 0.001f, 0.05f);
  }

  @Benchmark
  public float sgdStepScalar() {
    int row = (next = (next + 37) & (ROWS - 1)) * k;
    return scalar.bilinearSgdStep(p, row, q, ((row / k * 11) & (ROWS - 1)) * k, k, 3.5f, 0.001f, 0.05f, 0.001f, 0.05f);
  }
}
