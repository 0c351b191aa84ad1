package dev.kindred.bench;

import dev.kindred.core.Interactions;
import dev.kindred.data.InteractionFormat;
import dev.kindred.data.InteractionReader;
import dev.kindred.data.ReadOptions;
import dev.kindred.data.SyntheticConfig;
import dev.kindred.data.SyntheticGenerator;
import dev.kindred.math.CsrMatrix;
import dev.kindred.math.SparseKernels;
import dev.kindred.math.WorkerPool;
import dev.kindred.train.graph.BipartiteGraph;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * {@link SparseKernels#spmm} on the Gowalla-sized normalised interaction matrix {@code R~}
 * (29,858 users x 40,981 items, 810,128 entries: the LightGCN split's train file when
 * {@code -Dkindred.datasets=DIR} (default {@code ../shared/datasets}) holds it, else the project's
 * generator at the same counts), times a dense {@code items x k} matrix: one propagation step of a
 * graph model. {@code side = itemUser} runs the transpose ({@code R~^T}, items x users).
 *
 * <p>Counters, each a rate per second: {@code flops} ({@code 2 * nnz * k}) and {@code bytes}, the
 * logical traffic of the byte model: per stored entry its value and column index (8 bytes) and the
 * gathered row of {@code x} ({@code 4k}); per row its pointer (4) and the written row of {@code y}
 * ({@code 4k}). Rows of {@code x} hit in cache when re-gathered (x is 10.5 MB at k = 64), so DRAM
 * moves less than this; the model is the work the kernel must stream through its loads and stores.
 * Compare with {@link StreamCopyBenchmark} (the machine's copy bandwidth) run in the same session.
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -jar kindred-bench/target/kindred-bench.jar
 * 'SpmmBenchmark|StreamCopyBenchmark' -wi 2 -i 3 -w 1 -r 1 -f 1}; add {@code -jvmArgsAppend
 * -Dkindred.kernels=scalar} for the scalar twin.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector", "-Xmx4g"})
public class SpmmBenchmark {

  static final int USERS = 29_858;
  static final int ITEMS = 40_981;
  static final int INTERACTIONS = 810_128;

  @Param({"64"})
  int k;

  @Param({"1", "2"})
  int threads;

  @Param({"userItem", "itemUser"})
  String side;

  private CsrMatrix a;
  private float[] x;
  private float[] y;
  private WorkerPool pool;

  /** Flops and logical bytes done so far; reported as rates. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Traffic {
    public long flops;
    public long bytes;

    @Setup(Level.Iteration)
    public void clear() {
      flops = 0;
      bytes = 0;
    }
  }

  @Setup
  public void setup() {
    BipartiteGraph g = BipartiteGraph.normalized(gowallaSized());
    a = side.equals("userItem") ? g.userItem() : g.itemUser();
    SplittableRandom rng = new SplittableRandom(5);
    x = new float[a.cols() * k];
    for (int j = 0; j < x.length; j++) x[j] = (float) rng.nextGaussian();
    y = new float[a.rows() * k];
    pool = WorkerPool.create(threads, "kindred-spmm-bench");
  }

  @TearDown
  public void tearDown() {
    pool.close();
  }

  /** Gowalla's train file when present, else generated data of the same size. */
  static Interactions gowallaSized() {
    Path f = Path.of(System.getProperty("kindred.datasets", "../shared/datasets"), "gowalla-lightgcn", "train.txt");
    if (Files.isReadable(f)) {
      try {
        return InteractionReader.read(f, InteractionFormat.LIGHTGCN, ReadOptions.DEFAULTS.withImplicit(true)).data();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return new SyntheticGenerator(SyntheticConfig.of(USERS, ITEMS, INTERACTIONS, 7).withImplicit(true))
        .generateInMemory();
  }

  /** The byte model of one call, see the class comment. */
  static long bytesPerCall(CsrMatrix a, int k) {
    return (8L + 4L * k) * a.nnz() + (4L + 4L * k) * a.rows();
  }

  @Benchmark
  public float[] spmm(Traffic t) {
    SparseKernels.spmm(a, x, k, y, pool);
    t.flops += 2L * a.nnz() * k;
    t.bytes += bytesPerCall(a, k);
    return y;
  }
}
