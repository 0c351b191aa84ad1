package dev.kindred.cli;

import dev.kindred.core.Interactions;
import dev.kindred.core.Model;
import dev.kindred.core.ModelFile;
import dev.kindred.core.ProgressListener;
import dev.kindred.core.Recommender;
import dev.kindred.data.ColdStartSplit;
import dev.kindred.data.LoadResult;
import dev.kindred.data.Split;
import dev.kindred.data.Splits;
import dev.kindred.eval.CandidateRecommender;
import dev.kindred.eval.EvalOptions;
import dev.kindred.eval.Evaluator;
import dev.kindred.eval.SampledEvaluator;
import dev.kindred.train.registry.ModelOptions;
import dev.kindred.train.registry.ModelSpec;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kindred evaluate}: metrics of a saved model on a test file, or a whole protocol (split,
 * train, evaluate) on one data file.
 */
@Command(name = "evaluate", modelTransformer = ModelOptions.Installer.class, mixinStandardHelpOptions = true,
    description = {"Evaluate a saved model on --test (training items from --train are excluded from the candidates),",
        "or run a protocol on --data: split it (per-user stratified or leave-one-out), train --model, evaluate.",
        "Protocols: given (full ranking over all items on --test), per-user (stratified holdout, full ranking),",
        "leave-one-out (one item per user, ranked among --negatives sampled unseen items; sampled metrics overstate quality),",
        "cold-items / cold-users (--test-fraction of the items / users held out with all their interactions; cold items are",
        "ranked only among themselves; a model scores them from --item-features / --user-features)."})
final class EvaluateCommand implements Callable<Integer> {

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @ArgGroup(exclusive = true, multiplicity = "1")
  Source source;

  static final class Source {
    @Option(names = "--model-file", paramLabel = "FILE", description = "Model file written by train.")
    Path modelFile;

    @Option(names = "--data", paramLabel = "FILE", description = "Interactions to split, train on and evaluate.")
    Path dataFile;
  }

  @Option(names = "--train", paramLabel = "FILE", description = "With --model-file: training interactions, excluded from the candidates.")
  Path trainFile;

  @Option(names = "--test", paramLabel = "FILE", description = "With --model-file: test interactions.")
  Path testFile;

  @Option(names = "--protocol", paramLabel = "NAME",
      description = "given (default with --model-file), per-user (default with --data), leave-one-out, cold-items or cold-users.")
  String protocol;

  @Option(names = "--test-fraction", paramLabel = "P", defaultValue = "0.25", description = "per-user: held-out fraction of each user's interactions. Default: ${DEFAULT-VALUE}.")
  double testFraction;

  @Option(names = "--no-auc", description = "Skip AUC (it ranks the whole catalog for every user).")
  boolean noAuc;

  @Option(names = "--report", paramLabel = "DIR", description = "Also write an HTML report with plots to DIR/index.html.")
  Path reportDir;

  @Option(names = "--negatives", paramLabel = "N", defaultValue = "99", description = "leave-one-out: sampled negatives per test item. Default: ${DEFAULT-VALUE}.")
  int negatives;

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
    int k = output.k();
    String proto = protocol != null ? protocol : source.modelFile != null ? "given" : "per-user";
    if (!List.of("given", "per-user", "leave-one-out", "cold-items", "cold-users").contains(proto)) {
      throw new IllegalArgumentException("unknown --protocol '" + proto
          + "': expected given, per-user, leave-one-out, cold-items or cold-users");
    }
    if (reportDir != null && proto.equals("leave-one-out")) {
      throw new IllegalArgumentException("--report needs a full-ranking protocol (given or per-user), not leave-one-out");
    }
    boolean cold = proto.startsWith("cold-");
    int[] candidates = null;
    int threads = modelOptions.threadsOrDefault();
    long seed = modelOptions.seed != null ? modelOptions.seed : 42L;
    Model model;
    Interactions train;
    Interactions test;
    Report report = new Report();
    List<ProgressListener.EpochReport> epochs = new ArrayList<>();
    if (source.modelFile != null) {
      if (testFile == null) throw new IllegalArgumentException("--model-file needs --test");
      data.refuseFilters("evaluate --model-file");
      if (proto.equals("per-user")) throw new IllegalArgumentException("--protocol per-user needs --data (it splits and trains)");
      if (cold && trainFile == null) throw new IllegalArgumentException("--protocol " + proto + " with --model-file needs --train");
      if (features.given()) throw new IllegalArgumentException("--item-features/--user-features need --data or train");
      model = ModelFile.read(source.modelFile);
      List<LoadResult> loaded = data.readShared(DataOptions.nonNull(trainFile, testFile));
      for (LoadResult r : loaded) Pipeline.summarizeLoad(r, spec.commandLine().getErr(), true);
      test = ModelIds.onModel(loaded.get(loaded.size() - 1).data(), model);
      train = trainFile == null ? ModelIds.empty(model) : ModelIds.onModel(loaded.get(0).data(), model);
      report.put("model", model.provenance().algorithm());
      if (proto.equals("cold-items")) candidates = coldItems(train, test);
    } else {
      if (trainFile != null || testFile != null) {
        throw new IllegalArgumentException("--data splits one file; use --model-file with --train/--test for given files");
      }
      LoadResult r = data.read(source.dataFile);
      Pipeline.summarizeLoad(r, spec.commandLine().getErr(), output.quiet || output.json);
      Interactions all = data.training(r);
      Split split;
      if (cold) {
        ColdStartSplit c = proto.equals("cold-items") ? ColdStartSplit.items(all, testFraction, seed)
            : ColdStartSplit.users(all, testFraction, seed);
        split = c.split();
        if (proto.equals("cold-items")) candidates = c.heldOut();
      } else {
        split = proto.equals("leave-one-out") ? leaveOneOut(all, seed) : Splits.perUser(all, testFraction, seed);
      }
      train = split.train();
      test = split.test();
      ModelSpec.Configured<?> configured = modelOptions.configured();
      var side = features.load(all, train, spec.commandLine().getErr(), output.quiet || output.json);
      Pipeline.Trained trained = Pipeline.train(configured, train, seed, side, output.quiet || output.json, epochs::add);
      model = trained.model();
      report.put("model", configured.name()).put("train_seconds", model.provenance().trainSeconds());
      trained.describe(report);
    }
    if (proto.equals("leave-one-out")) {
      report.put("protocol", String.format(Locale.ROOT,
          "leave-one-out, %d sampled negatives per test item (sampled metrics overstate quality)", negatives));
      report.putAll(SampledEvaluator.evaluate(Pipeline.recommender(model), train, test, new int[] {k}, negatives, seed));
    } else if (cold) {
      report.put("protocol", source.modelFile != null
          ? proto + ": given files, " + (candidates != null ? "ranked among the test items without training interactions"
              : "full ranking over all items")
          : String.format(Locale.ROOT, "%s: %.2f of the %s held out with all their interactions (seed %d), %s", proto,
              testFraction, proto.substring(5), seed,
              candidates != null ? "ranked among the held-out items only" : "full ranking over all items"));
      Recommender rec = Pipeline.recommender(model);
      report.putAll(Evaluator.rankingMetrics(candidates != null ? new CandidateRecommender(rec, candidates) : rec,
          train, test, new int[] {k}, EvalOptions.defaults().withThreads(threads)
              .withRelevanceThreshold(evalFlags.threshold())));
    } else {
      report.put("protocol", proto.equals("given") ? "given test file, full ranking over all items"
          : String.format(Locale.ROOT, "per-user stratified holdout %.2f (seed %d), full ranking over all items", testFraction, seed));
      Pipeline.Evaluation evaluation = Pipeline.evaluateAll(model, train, test, k, threads, Pipeline.hasRatings(test),
          evalFlags.threshold(), !noAuc);
      report.putAll(evaluation.metrics());
      if (reportDir != null) {
        String name = String.valueOf(report.values().get("model"));
        Path page = EvaluationPages.write(reportDir, "Kindred evaluate: " + name,
            report.values().get("protocol") + "; " + String.format(Locale.ROOT, "%,d training interactions",
                train.size()), train, test, k, threads, evalFlags.threshold(),
            List.of(new EvaluationPages.Run(name, model, evaluation, epochs)));
        if (!output.quiet && !output.json) spec.commandLine().getErr().println("report: " + page);
      }
    }
    report.put("users", train.activeUsers()).put("items", train.activeItems()).put("interactions", train.size());
    report.print(spec.commandLine().getOut(), output.json);
    return KindredCli.EXIT_OK;
  }

  /** Items with test interactions and none in training: the cold items of given files. */
  static int[] coldItems(Interactions train, Interactions test) {
    return java.util.stream.IntStream.range(0, test.numItems())
        .filter(i -> test.itemDegree(i) > 0 && train.itemDegree(i) == 0).toArray();
  }

  /** The latest interaction of each user with at least two (by timestamp, else one at random) to test. */
  static Split leaveOneOut(Interactions all, long seed) {
    if (all.hasTimestamps()) return Splits.leaveLastOut(all, 1);
    boolean[] inTest = new boolean[all.size()];
    SplittableRandom rng = new SplittableRandom(seed);
    int[] ptr = all.userPtr();
    for (int u = 0; u < all.numUsers(); u++) {
      int n = ptr[u + 1] - ptr[u];
      if (n >= 2) inTest[ptr[u] + rng.nextInt(n)] = true;
    }
    boolean[] inTrain = new boolean[inTest.length];
    for (int j = 0; j < inTest.length; j++) inTrain[j] = !inTest[j];
    return new Split(all.select(inTrain), all.select(inTest));
  }
}
