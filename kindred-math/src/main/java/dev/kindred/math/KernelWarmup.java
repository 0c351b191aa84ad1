package dev.kindred.math;

/**
 * Compiles the hot per-row kernels ({@link Kernels#dot}, {@link Kernels#axpy},
 * {@link OptimizerKernels#adagrad}) on a background daemon thread while the caller does other
 * work (the CLI starts it before it reads the input). Until the JIT's last tier has compiled them,
 * Vector API kernels run as interpreted or tier-2/3 code in which every vector operation
 * allocates; on a small data set (hybrid WARP on ML-100K, 80,000 pairs) that warm-up was most of
 * the first epoch and a large share of the whole fit (docs/benchmarks.md, "Hybrid WARP vs LightFM
 * 1.17, with the launcher's JIT setting").
 *
 * <p>The work is a fixed number of calls on private arrays of a few common row lengths; it reads
 * and writes nothing shared and its results are discarded. Cost: about a second of one core's time
 * (mostly the JIT's), once per JVM. Thread-safe.
 */
public final class KernelWarmup {

  /** Calls per kernel and length: above C2's invocation threshold (about 10,000) with margin. */
  private static final int CALLS = 30_000;
  /** Row lengths the loops see: common factor counts and a tail. */
  private static final int[] LENGTHS = {64, 32, 13};

  private KernelWarmup() {}

  /** Starts the warm-up on a daemon thread named {@code kindred-kernel-warmup} and returns it. */
  public static Thread startInBackground() {
    return Thread.ofPlatform().daemon().name("kindred-kernel-warmup").start(KernelWarmup::run);
  }

  /** The warm-up itself, on the calling thread; returns a value derived from every result so none is dead code. */
  static float run() {
    Kernels kern = VectorOps.kernels();
    OptimizerKernels opt = OptimizerOps.kernels();
    float sink = 0;
    for (int n : LENGTHS) {
      float[] x = new float[n];
      float[] y = new float[n];
      float[] acc = new float[n];
      java.util.Arrays.fill(acc, 1f);
      for (int j = 0; j < n; j++) x[j] = (j % 7 - 3) * 0.01f;
      for (int c = 0; c < CALLS; c++) {
        sink += kern.dot(x, 0, y, 0, n);
        kern.axpy(1e-3f, x, 0, y, 0, n);
        opt.adagrad(y, 0, x, 0, acc, n, 1e-3f, 1e-3f, 1f);
      }
    }
    return sink;
  }
}
