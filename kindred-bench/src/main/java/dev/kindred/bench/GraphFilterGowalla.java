package dev.kindred.bench;

import dev.kindred.core.GraphFilterModel;
import dev.kindred.core.Interactions;
import dev.kindred.core.Recommenders;
import dev.kindred.data.InteractionFormat;
import dev.kindred.data.InteractionReader;
import dev.kindred.data.LoadResult;
import dev.kindred.data.ReadOptions;
import dev.kindred.eval.EvalOptions;
import dev.kindred.eval.Evaluator;
import dev.kindred.train.graph.GraphFilterConfig;
import dev.kindred.train.graph.GraphFilterTrainer;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The graph filter (GF-CF) on Gowalla's LightGCN split, end to end in one process: read the train
 * and test files ({@code --format lightgcn}), fit, and evaluate with kindred-eval's
 * {@link Evaluator} (full ranking over all items, training items excluded, Recall@20 and NDCG@20
 * averaged over test users). Prints the fit and evaluation wall times and the peak heap in use
 * (sum of the heap pools' peaks, an upper bound of the live set), and the process CPU time of the fit
 * and of the evaluation.
 *
 * <p>Usage: {@code GraphFilterGowalla [--datasets DIR] [--rank 256] [--ideal-weight 0.3]
 * [--power-iterations 4] [--oversampling 64] [--seed 42] [--threads 2]}; every flag maps to a
 * {@link GraphFilterConfig} field, defaults are its {@code DEFAULTS}.
 */
public final class GraphFilterGowalla {

  private GraphFilterGowalla() {}

  public static void main(String[] args) throws IOException {
    long start = System.nanoTime();
    Map<String, String> f = flags(args);
    GraphFilterConfig d = GraphFilterConfig.DEFAULTS;
    GraphFilterConfig config = d.withRank(Integer.parseInt(f.getOrDefault("rank", "" + d.rank())))
        .withIdealWeight(Float.parseFloat(f.getOrDefault("ideal-weight", "" + d.idealWeight())))
        .withPowerIterations(Integer.parseInt(f.getOrDefault("power-iterations", "" + d.powerIterations())))
        .withOversampling(Integer.parseInt(f.getOrDefault("oversampling", "" + d.oversampling())))
        .withSeed(Long.parseLong(f.getOrDefault("seed", "" + d.seed())))
        .withThreads(Integer.parseInt(f.getOrDefault("threads", "" + d.threads())));
    Path dir = Path.of(f.getOrDefault("datasets", "../shared/datasets")).resolve("gowalla-lightgcn");
    Path trainFile = dir.resolve("train.txt");
    Path testFile = dir.resolve("test.txt");
    if (!Files.isReadable(trainFile) || !Files.isReadable(testFile)) {
      throw new IllegalArgumentException(dir + " lacks train.txt / test.txt (pass --datasets DIR)");
    }
    List<LoadResult> r = InteractionReader.readShared(List.of(trainFile, testFile), InteractionFormat.LIGHTGCN,
        ReadOptions.DEFAULTS.withImplicit(true));
    Interactions train = r.get(0).data();
    Interactions test = r.get(1).data();
    long loaded = System.nanoTime();
    long cpuLoaded = processCpuNanos();
    GraphFilterModel model = new GraphFilterTrainer(config).fit(train);
    long fitted = System.nanoTime();
    long cpuFitted = processCpuNanos();
    Map<String, Double> m = Evaluator.rankingMetrics(Recommenders.of(model), train, test, new int[] {20},
        EvalOptions.defaults().withThreads(config.threads()));
    long evaluated = System.nanoTime();
    long cpuEvaluated = processCpuNanos();
    System.out.printf(Locale.ROOT, "gowalla %d users x %d items, %d train / %d test; %s%n", train.numUsers(),
        train.numItems(), train.size(), test.size(), config);
    System.out.printf(Locale.ROOT, "recall@20 %.4f  ndcg@20 %.4f  (%d users)%n", m.get("recall@20"),
        m.get("ndcg@20"), m.get("users_evaluated").intValue());
    System.out.printf(Locale.ROOT, "load %.2f s  fit %.2f s  evaluate %.2f s  process %.2f s  peak heap %.2f GiB%n",
        (loaded - start) / 1e9, (fitted - loaded) / 1e9, (evaluated - fitted) / 1e9, (evaluated - start) / 1e9,
        peakHeap() / (double) (1L << 30));
    // CPU seconds are steadier than wall time on a shared machine (they include the JIT threads).
    System.out.printf(Locale.ROOT, "cpu: fit %.2f s  evaluate %.2f s%n", (cpuFitted - cpuLoaded) / 1e9,
        (cpuEvaluated - cpuFitted) / 1e9);
  }

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  static long peakHeap() {
    long sum = 0;
    for (MemoryPoolMXBean p : ManagementFactory.getMemoryPoolMXBeans()) {
      if (p.getType() == MemoryType.HEAP) {
        sum += p.getPeakUsage().getUsed();
      }
    }
    return sum;
  }

  static Map<String, String> flags(String[] args) {
    Map<String, String> f = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      if (!args[i].startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("expected --flag value pairs, got '" + args[i] + "'");
      }
      f.put(args[i].substring(2), args[++i]);
    }
    return f;
  }
}
