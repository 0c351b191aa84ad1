package dev.kindred.bench;

import dev.kindred.math.WorkerPool;
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
 * The machine's memory bandwidth as STREAM's Copy kernel measures it ({@code b[i] = a[i]}), on two
 * arrays of {@value #FLOATS} floats (256 MiB each, far beyond every cache), each thread copying a
 * contiguous share with {@link System#arraycopy}. The {@code bytes} counter counts 8 bytes per
 * element (one read, one write) as STREAM does; write-allocate reads add up to half again in real
 * DRAM traffic. The yardstick for {@link SpmmBenchmark}'s {@code bytes}.
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -jar kindred-bench/target/kindred-bench.jar
 * StreamCopyBenchmark -wi 2 -i 3 -w 1 -r 1 -f 1}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx2g"})
public class StreamCopyBenchmark {

  static final int FLOATS = 64 << 20;

  @Param({"1", "2"})
  int threads;

  private float[] a;
  private float[] b;
  private WorkerPool pool;

  /** Bytes copied so far (read + written); reported as a rate. */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Traffic {
    public long bytes;

    @Setup(Level.Iteration)
    public void clear() {
      bytes = 0;
    }
  }

  @Setup
  public void setup() {
    a = new float[FLOATS];
    b = new float[FLOATS];
    for (int i = 0; i < FLOATS; i++) a[i] = i;
    pool = WorkerPool.create(threads, "kindred-stream-bench");
  }

  @TearDown
  public void tearDown() {
    pool.close();
  }

  @Benchmark
  public float[] copy(Traffic t) {
    pool.compute(threads, p -> {
      int from = (int) ((long) FLOATS * p / threads);
      int to = (int) ((long) FLOATS * (p + 1) / threads);
      System.arraycopy(a, from, b, from, to - from);
    });
    t.bytes += 8L * FLOATS;
    return b;
  }
}
