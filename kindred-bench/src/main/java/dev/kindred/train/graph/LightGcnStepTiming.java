package dev.kindred.train.graph;

import dev.kindred.core.Interactions;
import dev.kindred.data.InteractionFormat;
import dev.kindred.data.InteractionReader;
import dev.kindred.data.ReadOptions;
import dev.kindred.math.WorkerPool;
import dev.kindred.train.bpr.NegativeSampler;
import dev.kindred.train.nn.BprLoss;
import dev.kindred.train.nn.L2Penalty;
import dev.kindred.train.nn.Optimizer;
import dev.kindred.train.nn.OptimizerConfig;
import dev.kindred.train.nn.TripleSampler;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Time per LightGCN step on Gowalla, two schedules side by side in one JVM, interleaved so that
 * the shared machine's load hits both alike: the reference code's (full forward propagation, loss,
 * full backward propagation) and Kindred's ({@link LightGcnObjective}: batch-restricted last
 * forward step, sparse first backward step, forced at any batch size), each followed by the same
 * Adam step; plus the Adam step alone. It lives in the trainer's package (in kindred-bench) because the two schedules are
 * package-private pieces of the trainer.
 *
 * <p>Usage: {@code LightGcnStepTiming --datasets DIR [--batch-size 2048] [--steps 20] [--rounds 5]
 * [--threads 2]}. Prints the median milliseconds per step of each schedule per round.
 */
public final class LightGcnStepTiming {

  private LightGcnStepTiming() {}

  public static void main(String[] args) throws IOException {
    java.util.Map<String, String> f = new java.util.HashMap<>();
    for (int a = 0; a + 1 < args.length; a += 2) f.put(args[a].substring(2), args[a + 1]);
    Path dir = Path.of(f.getOrDefault("datasets", "../shared/datasets")).resolve("gowalla-lightgcn");
    Interactions train = InteractionReader.readShared(List.of(dir.resolve("train.txt"), dir.resolve("test.txt")),
        InteractionFormat.LIGHTGCN, ReadOptions.DEFAULTS.withImplicit(true)).get(0).data();
    int batch = Integer.parseInt(f.getOrDefault("batch-size", "2048"));
    int steps = Integer.parseInt(f.getOrDefault("steps", "20"));
    int rounds = Integer.parseInt(f.getOrDefault("rounds", "5"));
    int threads = Integer.parseInt(f.getOrDefault("threads", "2"));
    int k = 64;
    LayerMeanPropagation prop = new LayerMeanPropagation(BipartiteGraph.normalized(train), k, 3);
    LightGcnObjective objective = new LightGcnObjective(prop, k, 1e-4f, Double.POSITIVE_INFINITY);
    SplittableRandom rng = new SplittableRandom(1);
    float[] eu = new float[train.numUsers() * k];
    float[] ei = new float[train.numItems() * k];
    for (int j = 0; j < eu.length; j++) eu[j] = (float) (0.1 * (rng.nextDouble() - 0.5));
    for (int j = 0; j < ei.length; j++) ei[j] = (float) (0.1 * (rng.nextDouble() - 0.5));
    float[] du = new float[eu.length];
    float[] di = new float[ei.length];
    float[] fu = new float[eu.length];
    float[] fi = new float[ei.length];
    float[] gu = new float[eu.length];
    float[] gi = new float[ei.length];
    Optimizer ou = new Optimizer(OptimizerConfig.DEFAULTS, eu.length);
    Optimizer oi = new Optimizer(OptimizerConfig.DEFAULTS, ei.length);
    TripleSampler.Triples t = new TripleSampler(train, TripleSampler.Scheme.USERS,
        NegativeSampler.uniform(train.numItems())).epoch(rng);
    System.out.printf(Locale.ROOT, "batch %d, %d threads, %d steps per measurement (ms per step, median of round)%n",
        batch, threads, steps);
    System.out.println("round  full_schedule  kindred_schedule  adam_only");
    try (WorkerPool pool = WorkerPool.create(threads, "kindred-bench")) {
      for (int r = 0; r < rounds; r++) {
        double[][] ms = new double[3][steps];
        for (int s = 0; s < steps; s++) {
          int from = ((r * steps + s) * batch) % (t.size() - batch);
          long a = System.nanoTime();
          prop.apply(eu, ei, fu, fi, pool);
          float inv = 1f / batch;
          BprLoss.accumulate(fu, fi, k, t.users(), t.positives(), t.negatives(), from, from + batch, inv, gu, gi);
          prop.apply(gu, gi, du, di, pool);
          L2Penalty.accumulate(eu, k, t.users(), from, from + batch, 1e-4f * inv, du);
          L2Penalty.accumulate(ei, k, t.positives(), from, from + batch, 1e-4f * inv, di);
          L2Penalty.accumulate(ei, k, t.negatives(), from, from + batch, 1e-4f * inv, di);
          Arrays.fill(gu, 0f);
          Arrays.fill(gi, 0f);
          ou.stepDense(eu, du, 1f, pool);
          oi.stepDense(ei, di, 1f, pool);
          long b = System.nanoTime();
          objective.evaluate(eu, ei, t.users(), t.positives(), t.negatives(), from, from + batch, du, di, pool);
          ou.stepDense(eu, du, 1f, pool);
          oi.stepDense(ei, di, 1f, pool);
          long c = System.nanoTime();
          ou.stepDense(eu, du, 1f, pool);
          oi.stepDense(ei, di, 1f, pool);
          long d = System.nanoTime();
          ms[0][s] = (b - a) / 1e6;
          ms[1][s] = (c - b) / 1e6;
          ms[2][s] = (d - c) / 1e6;
        }
        System.out.printf(Locale.ROOT, "%5d  %13.1f  %16.1f  %9.1f%n", r, median(ms[0]), median(ms[1]), median(ms[2]));
      }
    }
  }

  private static double median(double[] a) {
    double[] b = a.clone();
    Arrays.sort(b);
    return b[b.length / 2];
  }
}
