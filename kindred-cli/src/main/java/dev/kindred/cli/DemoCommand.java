package dev.kindred.cli;

import dev.kindred.core.Interactions;
import dev.kindred.core.Model;
import dev.kindred.data.LoadResult;
import dev.kindred.data.Split;
import dev.kindred.data.Splits;
import dev.kindred.data.SyntheticConfig;
import dev.kindred.data.SyntheticGenerator;
import dev.kindred.train.registry.ModelOptions;
import dev.kindred.train.registry.ModelSpec;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kindred demo}: the whole path in one command. Generates a realistic synthetic data set
 * (or reads {@code --data}), holds out a per-user fraction, trains, evaluates, prints a metrics
 * table and a few users' recommendations, and writes the model file.
 */
@Command(name = "demo", modelTransformer = ModelOptions.Installer.class, mixinStandardHelpOptions = true,
    description = "Generate (or read --data), split per user, train, evaluate, show recommendations, write a model file.")
final class DemoCommand implements Callable<Integer> {

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--data", paramLabel = "FILE", description = "Interactions to use instead of synthetic data.")
  Path dataFile;

  @Option(names = "--users", paramLabel = "N", defaultValue = "6000", description = "Synthetic users. Default: ${DEFAULT-VALUE}.")
  int users;

  @Option(names = "--items", paramLabel = "M", defaultValue = "3000", description = "Synthetic items. Default: ${DEFAULT-VALUE}.")
  int items;

  @Option(names = "--interactions", paramLabel = "X", defaultValue = "500000", description = "Synthetic interactions. Default: ${DEFAULT-VALUE}.")
  long interactions;

  @Option(names = "--test-fraction", paramLabel = "P", defaultValue = "0.2", description = "Per-user held-out fraction. Default: ${DEFAULT-VALUE}.")
  double testFraction;

  @Option(names = "--out", paramLabel = "FILE", defaultValue = "kindred-demo.model", description = "Model file to write. Default: ${DEFAULT-VALUE}.")
  Path out;

  @Mixin
  OutputFlags output;

  @Mixin
  DataOptions data;

  @Mixin
  EvalFlags evalFlags;

  @Mixin
  ModelOptions modelOptions;

  @Override
  public Integer call() throws Exception {
    var err = spec.commandLine().getErr();
    var o = spec.commandLine().getOut();
    ModelSpec.Configured<?> configured = modelOptions.configured();
    int k = output.k();
    long seed = modelOptions.seed != null ? modelOptions.seed : 42L;
    Interactions all;
    String source;
    if (dataFile != null) {
      LoadResult r = data.read(dataFile);
      Pipeline.summarizeLoad(r, err, output.quiet || output.json);
      all = data.training(r);
      source = dataFile.toString();
    } else {
      SyntheticConfig c = SyntheticConfig.of(users, items, interactions, seed);
      all = new SyntheticGenerator(c).generateInMemory();
      source = String.format(Locale.ROOT, "synthetic: %d users x %d items, %d ratings (rank %d, noise %.2f, seed %d)",
          users, items, all.size(), c.rank(), c.noise(), seed);
      if (!output.quiet && !output.json) err.println("generated " + source);
    }
    Split split = Splits.perUser(all, testFraction, seed);
    Pipeline.Trained trained = Pipeline.train(configured, split.train(), seed, output.quiet || output.json);
    Model model = trained.model();
    Report report = new Report().put("data", source).put("model", configured.name());
    trained.describe(report);
    report.putAll(Pipeline.evaluate(model, split.train(), split.test(), k, modelOptions.threadsOrDefault(),
        Pipeline.hasRatings(split.train()), evalFlags.threshold()));
    report.put("train_seconds", model.provenance().trainSeconds());
    report.put("users", split.train().activeUsers());
    report.put("items", split.train().activeItems());
    report.put("interactions", split.train().size());
    Pipeline.save(model, out);
    report.put("model_file", out.toString());
    if (output.json) {
      report.print(o, true);
    } else {
      o.println("== metrics (per-user holdout " + testFraction + ", top-" + k + " excludes training items)");
      report.print(o, false);
      o.println();
      o.println("== top-5 recommendations for three users (external ids, predicted score)");
      int[] sample = sampleUsers(split.train(), 3);
      Pipeline.showRecommendations(model, split.train(), sample, 5, o);
      o.println();
      o.println("next: ./kindred recommend --model-file " + out + " --user " + model.userIndex().externalId(sample[0]));
    }
    return KindredCli.EXIT_OK;
  }

  private static int[] sampleUsers(Interactions train, int n) {
    int[] out = new int[Math.min(n, train.activeUsers())];
    int w = 0;
    for (int u = 0; u < train.numUsers() && w < out.length; u += Math.max(1, train.numUsers() / (n + 1))) {
      if (train.userDegree(u) > 0) out[w++] = u;
    }
    return java.util.Arrays.copyOf(out, w);
  }
}
