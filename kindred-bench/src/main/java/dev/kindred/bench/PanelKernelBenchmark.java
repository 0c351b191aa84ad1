package dev.kindred.bench;

import dev.kindred.math.FactorMatrix;
import dev.kindred.math.ItemPanels;
import dev.kindred.math.PanelKernels;
import dev.kindred.math.PanelScoring;
import dev.kindred.math.ScalarPanelKernels;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * The blocked scoring kernel alone ({@link PanelKernels#scorePanels}): one block of {@value #USERS}
 * users against one cache-resident tile of about 1024 items, {@code 2 * k * USERS * tileItems}
 * flops per call, against the scalar twin. The {@code flops} column is GFLOP/s; the gap between
 * this and {@link TopKBenchmark} is masking, selection and cache misses on the item tiles.
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -jar kindred-bench/target/kindred-bench.jar
 * PanelKernel -wi 2 -i 3 -w 1 -r 1 -f 1}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class PanelKernelBenchmark {

  static final int USERS = 32;

  @Param({"64"})
  int k;

  private float[] users;
  private ItemPanels panels;
  private float[] out;
  private final PanelKernels simd = PanelScoring.kernels();
  private final PanelKernels scalar = new ScalarPanelKernels();

  /** Flops done so far; reported as a rate (GFLOP/s). */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Flops {
    public long flops;

    @Setup(Level.Iteration)
    public void clear() {
      flops = 0;
    }
  }

  @Setup
  public void setup() {
    SplittableRandom rng = new SplittableRandom(3);
    int width = PanelScoring.panelWidth();
    int perTile = (1024 + width - 1) / width;
    FactorMatrix q = new FactorMatrix(perTile * width, k);
    q.fillGaussian(rng, 0.3f);
    panels = new ItemPanels(q, null, width, perTile);
    users = new float[USERS * k];
    for (int j = 0; j < users.length; j++) users[j] = (float) rng.nextGaussian();
    out = new float[USERS * panels.tileItems()];
  }

  @Benchmark
  public float[] simd(Flops counter) {
    simd.scorePanels(users, 0, USERS, k, panels.tile(0), 0, panels.panelsIn(0), panels.width(), out, 0,
        panels.tileItems());
    counter.flops += 2L * k * USERS * panels.tileItems();
    return out;
  }

  @Benchmark
  public float[] scalar(Flops counter) {
    scalar.scorePanels(users, 0, USERS, k, panels.tile(0), 0, panels.panelsIn(0), panels.width(), out, 0,
        panels.tileItems());
    counter.flops += 2L * k * USERS * panels.tileItems();
    return out;
  }
}
