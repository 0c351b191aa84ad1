package dev.kindred.bench;

import java.util.concurrent.TimeUnit;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The measured peak: fp32 FMA throughput with the operands in registers, the ceiling every other
 * kernel's GFLOP/s is compared to.
 *
 * <p>One invocation runs {@value #STEPS} steps of {@value #CHAINS} independent FMA chains on
 * {@code FloatVector.SPECIES_PREFERRED} (16 lanes on AVX-512): {@code 2 * 16 * 12 * 4096 = 1,572,864}
 * flops. Twelve chains: Ice Lake server cores retire two 512-bit FMAs per cycle at 4 cycles
 * latency, so at least 8 must be in flight; 12 leaves slack for loop overhead and stays far below
 * the 32 vector registers, so nothing spills. Each chain is {@code acc = acc * m + c} with
 * {@code m < 1}, which converges instead of overflowing and never reaches subnormals.
 *
 * <p>The {@code flops} column (an {@link AuxCounters} rate, summed over threads) is GFLOP/s
 * directly, since the time unit is nanoseconds. {@code fma1Thread} is one core's peak,
 * {@code fma2Threads} the machine's.
 *
 * <p>Run: {@code java --add-modules jdk.incubator.vector -jar kindred-bench/target/kindred-bench.jar
 * PeakFlops -wi 2 -i 3 -w 1 -r 1 -f 1}.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules", "jdk.incubator.vector"})
public class PeakFlopsBenchmark {

  static final int STEPS = 4096;
  static final int CHAINS = 12;
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

  /** Flops done so far by this thread; JMH reports it as a rate (flops per ns = GFLOP/s). */
  @State(Scope.Thread)
  @AuxCounters(AuxCounters.Type.OPERATIONS)
  public static class Flops {
    public long flops;

    @Setup(Level.Iteration)
    public void clear() {
      flops = 0;
    }
  }

  float m = 0.999f;
  float c = 1e-3f;

  @Benchmark
  @Threads(1)
  public float fma1Thread(Flops counter) {
    return fmaChains(counter);
  }

  @Benchmark
  @Threads(2)
  public float fma2Threads(Flops counter) {
    return fmaChains(counter);
  }

  private float fmaChains(Flops counter) {
    // Operands come from fields so the JIT cannot constant-fold the chains.
    FloatVector vm = FloatVector.broadcast(S, m);
    FloatVector vc = FloatVector.broadcast(S, c);
    FloatVector a0 = vc;
    FloatVector a1 = vc.add(vc);
    FloatVector a2 = a1.add(vc);
    FloatVector a3 = a2.add(vc);
    FloatVector a4 = a3.add(vc);
    FloatVector a5 = a4.add(vc);
    FloatVector a6 = a5.add(vc);
    FloatVector a7 = a6.add(vc);
    FloatVector a8 = a7.add(vc);
    FloatVector a9 = a8.add(vc);
    FloatVector a10 = a9.add(vc);
    FloatVector a11 = a10.add(vc);
    for (int s = 0; s < STEPS; s++) {
      a0 = a0.fma(vm, vc);
      a1 = a1.fma(vm, vc);
      a2 = a2.fma(vm, vc);
      a3 = a3.fma(vm, vc);
      a4 = a4.fma(vm, vc);
      a5 = a5.fma(vm, vc);
      a6 = a6.fma(vm, vc);
      a7 = a7.fma(vm, vc);
      a8 = a8.fma(vm, vc);
      a9 = a9.fma(vm, vc);
      a10 = a10.fma(vm, vc);
      a11 = a11.fma(vm, vc);
    }
    counter.flops += 2L * S.length() * CHAINS * STEPS;
    FloatVector t = a0.add(a1).add(a2.add(a3)).add(a4.add(a5).add(a6.add(a7))).add(a8.add(a9).add(a10.add(a11)));
    return t.lane(0) + t.lane(S.length() - 1);
  }
}
