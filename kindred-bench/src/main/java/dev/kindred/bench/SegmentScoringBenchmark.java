package dev.kindred.bench;

import dev.kindred.math.FactorMatrix;
import dev.kindred.math.FactorPrecision;
import dev.kindred.math.FactorStore;
import dev.kindred.math.MappedFactors;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One user scored against every item ({@link FactorStore#scoreRows}), the scan a single-user
 * top-K does: the on-heap {@link FactorMatrix} ({@code heap}) against {@link MappedFactors} over
 * off-heap memory in fp32, bf16 and fp16 (a mapped file in the page cache reads the same way).
 * {@code items * k * bytes} per call, larger than the caches at the default size, so the scan
 * is memory-bound and 16-bit elements should approach half the time.
 *
 * <p>Run (classes on the class path): {@code java --add-modules jdk.incubator.vector -cp ...
 * org.openjdk.jmh.Main SegmentScoring -wi 2 -i 3 -w 1 -r 1 -f 1}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class SegmentScoringBenchmark {

  @Param({"heap", "fp32", "bf16", "fp16"})
  String storage;

  @Param({"1000000"})
  int items;

  @Param({"64"})
  int k;

  private FactorStore store;
  private Arena arena;
  private float[] user;
  private float[] scores;

  @Setup
  public void setUp() {
    SplittableRandom rng = new SplittableRandom(42);
    FactorMatrix heap = new FactorMatrix(items, k);
    heap.fillGaussian(rng, 0.1f);
    user = heap.row(0);
    scores = new float[items];
    if (storage.equals("heap")) {
      store = heap;
      return;
    }
    FactorPrecision p = FactorPrecision.parse(storage);
    arena = Arena.ofShared();
    MemorySegment seg = arena.allocate((long) items * k * p.bytes(), 4096);
    float[] row = new float[k];
    for (int i = 0; i < items; i++) {
      heap.copyRow(i, row, 0);
      for (int d = 0; d < k; d++) {
        long at = ((long) i * k + d) * p.bytes();
        if (p == FactorPrecision.FP32) {
          seg.set(ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), at, row[d]);
        } else {
          seg.set(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), at, p.encode16(row[d]));
        }
      }
    }
    store = new MappedFactors(seg, items, k, p);
  }

  @TearDown
  public void tearDown() {
    if (arena != null) arena.close();
  }

  @Benchmark
  public float[] scoreAllItems() {
    store.scoreRows(0, items, user, 0, scores, 0);
    return scores;
  }
}
