package dev.kindred.cli;

import dev.kindred.core.Interactions;
import dev.kindred.core.LatentFactorModel;
import dev.kindred.core.Model;
import dev.kindred.core.ProgressListener;
import dev.kindred.data.LoadResult;
import dev.kindred.data.Split;
import dev.kindred.data.Splits;
import dev.kindred.eval.BootstrapConfig;
import dev.kindred.eval.Comparison;
import dev.kindred.eval.EvalOptions;
import dev.kindred.eval.Evaluator;
import dev.kindred.eval.UserMetrics;
import dev.kindred.eval.report.HtmlReport;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kindred compare}: several registry models, each with its own flags, trained one after
 * another on the same split (or the same k per-user folds) and evaluated user by user; a table of
 * every metric with bootstrap confidence intervals over users and a paired bootstrap test of each
 * model against the baseline ({@link Comparison}).
 */
@Command(name = "compare", mixinStandardHelpOptions = true,
    description = {"Compare models on one split of --data (or on --folds per-user folds): every ranking and",
        "beyond-accuracy metric with a bootstrap confidence interval over users, and each model against --baseline",
        "(paired bootstrap over users: difference, its interval, p-value).",
        "Example: kindred compare --data u.data --format ml-100k --baseline pop --model pop --model 'ials --factors 64'",
        "  --model 'bpr --epochs 50' --model itemknn --model ease"})
final class CompareCommand implements Callable<Integer> {

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--data", paramLabel = "FILE", required = true, description = "Interactions to split, train on and evaluate.")
  Path dataFile;

  @Option(names = "--model", paramLabel = "'NAME FLAGS'", required = true,
      description = "A model and its flags, quoted, e.g. 'ials --factors 64'; repeat for each model (see 'kindred models').")
  List<String> models;

  @Option(names = "--baseline", paramLabel = "MODEL",
      description = "The model the others are tested against: a --model value, or a name given once. Default: the first --model.")
  String baseline;

  @Option(names = "--split", paramLabel = "NAME", defaultValue = "per-user",
      description = "per-user: each user's interactions held out at random (stratified). Default: ${DEFAULT-VALUE}.")
  String split;

  @Option(names = "--test-fraction", paramLabel = "P", defaultValue = "0.2",
      description = "Held-out fraction of each user's interactions (one split). Default: ${DEFAULT-VALUE}.")
  double testFraction;

  @Option(names = "--folds", paramLabel = "F", defaultValue = "1",
      description = "F > 1: F per-user folds (each of a user's interactions is tested once); --test-fraction is then 1/F.")
  int folds;

  @Option(names = "--resamples", paramLabel = "B", defaultValue = "1000", description = "Bootstrap resamples. Default: ${DEFAULT-VALUE}.")
  int resamples;

  @Option(names = "--confidence", paramLabel = "C", defaultValue = "0.95", description = "Interval coverage. Default: ${DEFAULT-VALUE}.")
  double confidence;

  @Option(names = "--no-auc", description = "Skip AUC (it ranks the whole catalog for every user).")
  boolean noAuc;

  @Option(names = "--report", paramLabel = "DIR",
      description = "Also write an HTML report with plots (of the first fold) and the intervals to DIR/index.html.")
  Path reportDir;

  @Mixin
  ThreadsFlag threads;

  @Option(names = "--seed", paramLabel = "S", defaultValue = "42",
      description = "Seed of the split, the models and the bootstrap. Default: ${DEFAULT-VALUE}.")
  long seed;

  @Mixin
  OutputFlags output;

  @Mixin
  DataOptions data;

  @Mixin
  EvalFlags evalFlags;

  @Override
  public Integer call() throws Exception {
    int t = threads.get();
    if (!split.equals("per-user")) throw new IllegalArgumentException("unknown --split '" + split + "': expected per-user");
    if (folds < 1) throw new IllegalArgumentException("--folds must be >= 1, got " + folds);
    BootstrapConfig bootstrap = new BootstrapConfig(resamples, confidence, seed);
    List<ModelChoice> choices = new ArrayList<>();
    for (String m : models) {
      ModelChoice c = ModelChoice.parse(m, t, seed);
      if (choices.stream().anyMatch(o -> o.label().equals(c.label()))) {
        throw new IllegalArgumentException("--model '" + c.label() + "' is given twice");
      }
      choices.add(c);
    }
    int base = baselineIndex(choices);
    EvalOptions evalOptions = EvalOptions.defaults().withThreads(t).withRelevanceThreshold(evalFlags.threshold());

    boolean quiet = output.quiet || output.json;
    PrintWriter err = spec.commandLine().getErr();
    LoadResult r = data.read(dataFile);
    Pipeline.summarizeLoad(r, err, quiet);
    Interactions all = data.training(r);
    List<Split> splits = folds > 1 ? perUserFolds(all, folds, seed) : List.of(Splits.perUser(all, testFraction, seed));

    List<Comparison.ModelRun> runs = new ArrayList<>();
    Map<String, Double> trainSeconds = new LinkedHashMap<>();
    List<EvaluationPages.Run> pageRuns = new ArrayList<>();
    for (ModelChoice c : choices) {
      List<UserMetrics> perFold = new ArrayList<>();
      double seconds = 0;
      for (int f = 0; f < splits.size(); f++) {
        if (!quiet) err.printf(Locale.ROOT, "%s: fold %d of %d%n", c.label(), f + 1, splits.size());
        Split s = splits.get(f);
        List<ProgressListener.EpochReport> epochs = new ArrayList<>();
        Model model = Pipeline.train(c.configured(), s.train(), seed, quiet, epochs::add).model();
        seconds += model.provenance().trainSeconds();
        UserMetrics metrics = Evaluator.perUserMetrics(Pipeline.recommender(model), s.train(), s.test(),
            new int[] {output.k()}, evalOptions, model instanceof LatentFactorModel lf ? lf.itemFactors() : null, !noAuc);
        perFold.add(metrics);
        if (reportDir != null && f == 0) {
          pageRuns.add(new EvaluationPages.Run(c.label(), model, new Pipeline.Evaluation(metrics.means(), metrics),
              epochs));
        }
      }
      runs.add(new Comparison.ModelRun(c.label(), perFold));
      trainSeconds.put(c.label(), seconds / splits.size());
    }
    Comparison.Result result = Comparison.compare(runs, base, bootstrap);
    String protocol = folds > 1
        ? String.format(Locale.ROOT, "%d per-user folds (seed %d), full ranking over all items", folds, seed)
        : String.format(Locale.ROOT, "per-user stratified holdout %.2f (seed %d), full ranking over all items",
            testFraction, seed);
    CompareTable.print(result, protocol, trainSeconds, all, spec.commandLine().getOut(), output.json);
    if (reportDir != null) {
      HtmlReport page = EvaluationPages.page("Kindred compare: " + String.join(", ", result.models()),
          protocol + (splits.size() > 1 ? "; plots from the first fold" : ""), splits.get(0).train(),
          splits.get(0).test(), output.k(), t, evalFlags.threshold(), pageRuns);
      page.heading(String.format(Locale.ROOT, "Every fold: mean [%.0f%% bootstrap interval over %d users], p against %s",
          100 * confidence, result.users(), result.baseline()));
      page.table(CompareTable.header(result), CompareTable.rows(result));
      Path written = EvaluationPages.write(reportDir, page);
      if (!quiet) err.println("report: " + written);
    }
    return KindredCli.EXIT_OK;
  }

  private int baselineIndex(List<ModelChoice> choices) {
    if (baseline == null) return 0;
    String wanted = String.join(" ", baseline.trim().split("\\s+"));
    int byName = -1;
    int named = 0;
    for (int i = 0; i < choices.size(); i++) {
      if (choices.get(i).label().equals(wanted)) return i;
      if (choices.get(i).name().equals(wanted)) {
        byName = i;
        named++;
      }
    }
    if (named == 1) return byName;
    List<String> labels = choices.stream().map(ModelChoice::label).toList();
    throw new IllegalArgumentException("--baseline '" + baseline + "' "
        + (named > 1 ? "names " + named + " models; give the whole --model value" : "is not among the models")
        + ": " + String.join(", ", labels));
  }

  /**
   * F per-user folds: each user's interactions in random order are dealt to the folds in turn
   * from a random first fold, so every interaction is tested exactly once and fold sizes differ
   * by at most one per user. A user with fewer than F interactions is tested in only that many
   * folds.
   */
  static List<Split> perUserFolds(Interactions all, int f, long seed) {
    int[] fold = new int[all.size()];
    int[] ptr = all.userPtr();
    SplittableRandom rng = new SplittableRandom(seed);
    for (int u = 0; u < all.numUsers(); u++) {
      int n = ptr[u + 1] - ptr[u];
      int[] order = new int[n];
      for (int j = 0; j < n; j++) order[j] = j;
      for (int j = n - 1; j > 0; j--) {
        int swap = rng.nextInt(j + 1);
        int tmp = order[j];
        order[j] = order[swap];
        order[swap] = tmp;
      }
      int first = rng.nextInt(f);
      for (int j = 0; j < n; j++) fold[ptr[u] + order[j]] = (first + j) % f;
    }
    List<Split> out = new ArrayList<>();
    for (int k = 0; k < f; k++) {
      boolean[] test = new boolean[fold.length];
      boolean[] train = new boolean[fold.length];
      for (int j = 0; j < fold.length; j++) {
        test[j] = fold[j] == k;
        train[j] = !test[j];
      }
      out.add(new Split(all.select(train), all.select(test)));
    }
    return out;
  }
}
