package dev.kindred.cli;

import dev.kindred.core.Interactions;
import dev.kindred.core.Model;
import dev.kindred.core.ProgressListener;
import dev.kindred.core.ModelFeatures;
import dev.kindred.core.ModelFile;
import dev.kindred.math.FactorPrecision;
import dev.kindred.data.LoadResult;
import dev.kindred.train.registry.ModelOptions;
import dev.kindred.train.registry.ModelSpec;
import dev.kindred.train.warm.InitialFactors;
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

  @Option(names = "--init-from", paramLabel = "MODEL_FILE",
      description = "Warm start (mf-sgd, als, ials, bpr): users and items this model knows (by id) start from its"
          + " factors and biases, new ones from the usual initialisation; then --epochs of training on --train."
          + " It must be the same model with the same --factors.")
  Path initFrom;

  @Option(names = "--factor-precision", paramLabel = "P", defaultValue = "fp32",
      description = "Element type of the factors in --out: fp32, bf16 (half the size, rounded to nearest even) or"
          + " fp16 (half the size, range +-65504). With --test the model read back from --out is evaluated."
          + " Default: ${DEFAULT-VALUE}.")
  String factorPrecision;

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
    if (initFrom != null) {
      configured = configured.initFrom(InitialFactors.from(ModelFile.read(initFrom), initFrom.toString()));
    }
    FactorPrecision precision = FactorPrecision.parse(factorPrecision);
    if (precision != FactorPrecision.FP32 && out == null) {
      throw new IllegalArgumentException("--factor-precision " + precision.label() + " needs --out");
    }
    int k = output.k();
    long t0 = System.nanoTime();
    List<LoadResult> loaded = data.readShared(DataOptions.nonNull(trainFile, testFile));
    for (LoadResult r : loaded) Pipeline.summarizeLoad(r, err, output.quiet || output.json);
    Interactions read = loaded.get(0).data();
    Interactions filtered = data.training(loaded.get(0));
    // Ids only the feature files know become entities without interactions: scored from their features.
    Interactions train = features.withFeatureOnlyIds(filtered);
    Interactions test = testFile == null ? null : loaded.get(1).data();
    // The k-core dropped ids from train's indices, or features added some: the test pairs follow the indices.
    if (train != read && test != null) test = test.onto(train.userIndex(), train.itemIndex());
    if (filtered != read && !output.quiet && !output.json) {
      err.printf(java.util.Locale.ROOT, "k-core filter: %,d of %,d interactions kept, %,d users, %,d items%n",
          filtered.size(), read.size(), filtered.activeUsers(), filtered.activeItems());
    }
    double loadSeconds = (System.nanoTime() - t0) / 1e9;
    var side = features.load(train, err, output.quiet || output.json);
    Pipeline.Trained trained = Pipeline.train(configured, train, modelOptions.seed != null ? modelOptions.seed : 42L,
        side, output.quiet || output.json, ProgressListener.NONE);
    Model model = trained.model();
    double trainSeconds = model.provenance().trainSeconds();
    if (out != null) {
      Pipeline.save(model, out, precision);
      // A feature model's encoders go beside the file, so recommend and serve can score new entities.
      ModelFeatures mf = features.modelFeatures(trained.encoders());
      if (mf != null) mf.write(out);
      else java.nio.file.Files.deleteIfExists(ModelFeatures.pathFor(out)); // never pair a model with an older run's encoders
      var fit = trained.encoders();
      if (mf == null && fit != null && (fit.users() != null || fit.items() != null)) {
        err.println("kindred: " + configured.name() + "'s feature encoders are not saved (only hybrid's are, so far): "
            + "recommend and serve will not score new users or items from their features with this model");
      }
      if (precision != FactorPrecision.FP32) model = ModelFile.read(out); // evaluate what was written
    }
    Report report = new Report();
    report.put("model", configured.name());
    if (initFrom != null) report.put("init_from", initFrom.toString());
    trained.describe(report);
    if (test != null) {
      report.putAll(Pipeline.evaluate(model, train, test, k, modelOptions.threadsOrDefault(), Pipeline.hasRatings(train), evalFlags.threshold()));
    }
    report.put("train_seconds", trainSeconds);
    report.put("load_seconds", loadSeconds);
    report.put("users", train.activeUsers());
    report.put("items", train.activeItems());
    report.put("interactions", train.size());
    if (loaded.get(0).userIdCollisions() >= 0) {
      report.put("user_id_buckets", train.userIndex().hashBuckets());
      report.put("user_id_collisions", loaded.get(0).userIdCollisions());
    }
    if (out != null) {
      report.put("model_file", out.toString());
      report.put("factor_precision", precision.label());
    }
    report.print(outW, output.json);
    return KindredCli.EXIT_OK;
  }
}
