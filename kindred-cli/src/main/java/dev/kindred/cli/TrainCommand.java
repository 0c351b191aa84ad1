package dev.kindred.cli;

import dev.kindred.core.Interactions;
import dev.kindred.core.Model;
import dev.kindred.data.LoadResult;
import dev.kindred.train.registry.ModelOptions;
import dev.kindred.train.registry.ModelSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code kindred train}: fit a model to a file, evaluate on a test file if given, save it. */
@Command(name = "train", modelTransformer = ModelOptions.Installer.class, mixinStandardHelpOptions = true,
    description = "Train a model on --train; with --test also evaluate it; write it to --out.")
final class TrainCommand implements Callable<Integer> {

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--train", paramLabel = "FILE", required = true, description = "Training interactions.")
  Path trainFile;

  @Option(names = "--test", paramLabel = "FILE", description = "Test interactions (evaluated after training).")
  Path testFile;

  @Option(names = "--out", paramLabel = "FILE", description = "Model file to write (atomically).")
  Path out;

  @Mixin
  OutputFlags output;

  @Mixin
  DataOptions data;

  @Mixin
  EvalFlags evalFlags;

  @Mixin
  ModelOptions modelOptions;

  @Mixin
  FeatureOptions features;

  @Override
  public Integer call() throws Exception {
    var err = spec.commandLine().getErr();
    var outW = spec.commandLine().getOut();
    ModelSpec.Configured<?> configured = modelOptions.configured(); // validates flags before any I/O
    int k = output.k();
    if (configured.usesValidation() && testFile == null) {
      throw new IllegalArgumentException("--early-stopping needs --test");
    }
    long t0 = System.nanoTime();
    List<LoadResult> loaded = data.readShared(DataOptions.nonNull(trainFile, testFile));
    for (LoadResult r : loaded) Pipeline.summarizeLoad(r, err, output.quiet || output.json);
    // Ids only the feature files know become entities without interactions: scored from their features.
    Interactions train = features.withFeatureOnlyIds(loaded.get(0).data());
    Interactions test = testFile == null ? null : loaded.get(1).data().onto(train.userIndex(), train.itemIndex());
    double loadSeconds = (System.nanoTime() - t0) / 1e9;
    var side = features.load(train, err, output.quiet || output.json);
    Model model = Pipeline.train(configured, train, test, side, output.quiet || output.json);
    Report report = new Report();
    report.put("model", configured.name());
    if (test != null) {
      report.putAll(Pipeline.evaluate(model, train, test, k, modelOptions.threadsOrDefault(), Pipeline.hasRatings(train), evalFlags.threshold()));
    }
    report.put("train_seconds", model.provenance().trainSeconds());
    report.put("load_seconds", loadSeconds);
    report.put("users", train.activeUsers());
    report.put("items", train.activeItems());
    report.put("interactions", train.size());
    if (out != null) {
      Pipeline.save(model, out);
      report.put("model_file", out.toString());
    }
    report.print(outW, output.json);
    return KindredCli.EXIT_OK;
  }
}
