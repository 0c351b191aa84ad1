package dev.kindred.bench;

import dev.kindred.core.FactorRecommender;
import dev.kindred.core.Interactions;
import dev.kindred.data.InteractionFormat;
import dev.kindred.data.InteractionReader;
import dev.kindred.data.LoadResult;
import dev.kindred.data.ReadOptions;
import dev.kindred.eval.EvalOptions;
import dev.kindred.eval.Evaluator;
import dev.kindred.train.graph.LightGcnConfig;
import dev.kindred.train.graph.LightGcnTrainer;
import dev.kindred.train.nn.OptimizerConfig;
import dev.kindred.train.nn.TripleSampler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * LightGCN on Gowalla (the LightGCN split, read with {@code --format lightgcn}'s reader): time per
 * epoch and the learning curve, Recall@20 and NDCG@20 by full ranking with training items excluded
 * (kindred-eval's {@link Evaluator}, the protocol of the LightGCN paper and its reference code).
 *
 * <p>Usage: {@code LightGcnGowalla --datasets DIR [--settings paper|defaults] [--epochs N]
 * [--eval-every N] [--layers K] [--factors k] [--batch-size B] [--learning-rate X] [--lr-decay X]
 * [--regularization X] [--optimizer adam|adamw|sgd] [--sampling users|interactions] [--threads T]
 * [--seed S]}. Prints one line per epoch: epoch time (training only: evaluation is excluded by the
 * trainer), cumulative training time, training loss, and the metrics on evaluated epochs.
 */
public final class LightGcnGowalla {

  private LightGcnGowalla() {}

  public static void main(String[] args) throws IOException {
    Map<String, String> f = new HashMap<>();
    for (int a = 0; a + 1 < args.length; a += 2) {
      if (!args[a].startsWith("--")) throw new IllegalArgumentException("expected --flag value, got " + args[a]);
      f.put(args[a].substring(2), args[a + 1]);
    }
    Path dir = Path.of(f.getOrDefault("datasets", "../shared/datasets")).resolve("gowalla-lightgcn");
    for (String name : List.of("train.txt", "test.txt")) {
      if (!Files.isReadable(dir.resolve(name))) {
        throw new IllegalArgumentException(dir.resolve(name) + " not found (pass --datasets DIR)");
      }
    }
    List<LoadResult> r = InteractionReader.readShared(List.of(dir.resolve("train.txt"), dir.resolve("test.txt")),
        InteractionFormat.LIGHTGCN, ReadOptions.DEFAULTS.withImplicit(true));
    Interactions train = r.get(0).data();
    Interactions test = r.get(1).data();
    LightGcnConfig c = config(f);
    int evalEvery = Integer.parseInt(f.getOrDefault("eval-every", "1"));
    int threads = c.threads();
    System.out.printf(Locale.ROOT, "gowalla: %d users x %d items, %d train / %d test; %s%n", train.numUsers(),
        train.numItems(), train.size(), test.size(), c);
    // On a shared machine wall time depends on the other load; the process CPU time of an epoch
    // (both threads) is printed beside it as the load-independent figure.
    System.out.println("epoch  epoch_s  epoch_cpu_s  train_s  loss      recall@20  ndcg@20");
    EvalOptions eval = EvalOptions.defaults().withThreads(threads);
    com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
    double[] last = new double[3]; // epoch wall seconds, loss, process CPU nanos at the epoch's end
    long[] cpuMark = {os.getProcessCpuTime()};
    LightGcnTrainer trainer = new LightGcnTrainer(c);
    trainer.fit(train, rep -> {
      last[0] = rep.epochNanos() / 1e9;
      last[1] = rep.trainLoss();
      last[2] = os.getProcessCpuTime();
    }, (epoch, model) -> {
      double trainSeconds = model.provenance().trainSeconds();
      double cpu = (last[2] - cpuMark[0]) / 1e9;
      String line = String.format(Locale.ROOT, "%5d  %7.2f  %11.2f  %7.1f  %.6f", epoch, last[0], cpu, trainSeconds,
          last[1]);
      if (epoch % evalEvery == 0 || epoch == c.epochs()) {
        Map<String, Double> m = Evaluator.rankingMetrics(new FactorRecommender(model), train, test, new int[] {20}, eval);
        line += String.format(Locale.ROOT, "  %.4f     %.4f", m.get("recall@20"), m.get("ndcg@20"));
      }
      System.out.println(line);
      cpuMark[0] = os.getProcessCpuTime();
    });
  }

  static LightGcnConfig config(Map<String, String> f) {
    LightGcnConfig c = switch (f.getOrDefault("settings", "paper")) {
      case "paper" -> LightGcnConfig.PAPER.withEpochs(5);
      case "defaults" -> LightGcnConfig.DEFAULTS;
      default -> throw new IllegalArgumentException("--settings must be paper or defaults, got " + f.get("settings"));
    };
    if (f.containsKey("epochs")) c = c.withEpochs(Integer.parseInt(f.get("epochs")));
    if (f.containsKey("layers")) c = c.withLayers(Integer.parseInt(f.get("layers")));
    if (f.containsKey("factors")) c = c.withFactors(Integer.parseInt(f.get("factors")));
    if (f.containsKey("batch-size")) c = c.withBatchSize(Integer.parseInt(f.get("batch-size")));
    if (f.containsKey("learning-rate")) c = c.withLearningRate(Float.parseFloat(f.get("learning-rate")));
    if (f.containsKey("lr-decay")) c = c.withLearningRateDecay(Float.parseFloat(f.get("lr-decay")));
    if (f.containsKey("regularization")) c = c.withRegularization(Float.parseFloat(f.get("regularization")));
    if (f.containsKey("optimizer")) {
      c = c.withOptimizer(OptimizerConfig.Kind.valueOf(f.get("optimizer").toUpperCase(Locale.ROOT)));
    }
    if (f.containsKey("sampling")) {
      c = c.withSampling(TripleSampler.Scheme.valueOf(f.get("sampling").toUpperCase(Locale.ROOT)));
    }
    if (f.containsKey("loss")) c = c.withLoss(LightGcnConfig.Loss.valueOf(f.get("loss").toUpperCase(Locale.ROOT)));
    if (f.containsKey("temperature")) c = c.withTemperature(Float.parseFloat(f.get("temperature")));
    if (f.containsKey("pool-size")) c = c.withPoolSize(Integer.parseInt(f.get("pool-size")));
    if (f.containsKey("threads")) c = c.withThreads(Integer.parseInt(f.get("threads")));
    if (f.containsKey("seed")) c = c.withSeed(Long.parseLong(f.get("seed")));
    return c;
  }
}
