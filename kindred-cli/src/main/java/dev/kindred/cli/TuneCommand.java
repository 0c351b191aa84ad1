package dev.kindred.cli;

import dev.kindred.core.Interactions;
import dev.kindred.core.Model;
import dev.kindred.core.ProgressListener;
import dev.kindred.data.LoadResult;
import dev.kindred.data.Split;
import dev.kindred.data.Splits;
import dev.kindred.eval.EvalOptions;
import dev.kindred.eval.Evaluator;
import dev.kindred.eval.report.HtmlReport;
import dev.kindred.eval.tune.Param;
import dev.kindred.eval.tune.SearchSpace;
import dev.kindred.eval.tune.TrialLog;
import dev.kindred.eval.tune.TuneConfig;
import dev.kindred.eval.tune.Tuner;
import dev.kindred.train.registry.ModelFlag;
import dev.kindred.train.registry.ModelSpec;
import dev.kindred.train.registry.Models;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kindred tune}: hyper-parameter search ({@link Tuner}) for one registry model on a
 * validation split carved from {@code --train} (per user, {@code --validation-fraction}). The
 * test file is not read during the search: with {@code --test}, it is read once at the end to
 * score the best flags and the model's defaults, both retrained on all of {@code --train}.
 */
@Command(name = "tune", mixinStandardHelpOptions = true,
    description = {"Search a model's hyper-parameters on a validation split of --train (random search, successive",
        "halving with epochs as the resource, or TPE), print the results and the best flags as a command line.",
        "--test, if given, is read only after the search, to score the best flags and the defaults once.",
        "Example: kindred tune --model ials --train u1.base --test u1.test --format ml-100k --trials 60"})
final class TuneCommand implements Callable<Integer> {

  private static final List<String> METRICS = List.of("precision", "recall", "f1", "ndcg", "map", "hr", "mrr");

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--model", paramLabel = "NAME", required = true, description = "The registry model to tune.")
  String model;

  @Option(names = "--train", paramLabel = "FILE", required = true, description = "Training interactions; the validation split is carved from them.")
  Path trainFile;

  @Option(names = "--test", paramLabel = "FILE", description = "Read once, after the search: scores the best flags and the defaults.")
  Path testFile;

  @Option(names = "--space", paramLabel = "FILE",
      description = "JSON object of name: \"lo:hi[:log][:int]\" replacing the built-in space of the model.")
  Path spaceFile;

  @Option(names = "--param", paramLabel = "NAME=LO:HI[:log][:int]",
      description = "Replace or add one parameter of the space, e.g. --param regularization=1:1000:log; repeatable.")
  List<String> params = new ArrayList<>();

  @Option(names = "--trials", paramLabel = "N", defaultValue = "20", description = "Configurations drawn. Default: ${DEFAULT-VALUE}.")
  int trials;

  @Option(names = "--time-budget", paramLabel = "T", description = "Start no trial after this long, e.g. 90s, 10m, 1h.")
  String timeBudget;

  @Option(names = "--search", paramLabel = "NAME", defaultValue = "halving",
      description = "random, halving (successive halving with epochs as the resource; random for models without epochs), "
          + "or tpe (a Tree-structured Parzen Estimator proposes each configuration after --startup-trials random ones). "
          + "Default: ${DEFAULT-VALUE}.")
  String search;

  @Option(names = "--startup-trials", paramLabel = "N", defaultValue = "" + TuneConfig.DEFAULT_STARTUP_TRIALS,
      description = "tpe: random configurations before the estimator proposes. Default: ${DEFAULT-VALUE}.")
  int startupTrials;

  @Option(names = "--eta", paramLabel = "E", defaultValue = "3", description = "halving: keep the best 1/E per rung. Default: ${DEFAULT-VALUE}.")
  int eta;

  @Option(names = "--validation-fraction", paramLabel = "P", defaultValue = "0.1",
      description = "Per-user fraction of --train held out for validation. Default: ${DEFAULT-VALUE}.")
  double validationFraction;

  @Option(names = "--metric", paramLabel = "NAME", defaultValue = "ndcg",
      description = "Validation metric at --k: precision, recall, f1, ndcg, map, hr or mrr. Default: ${DEFAULT-VALUE}.")
  String metric;

  @Option(names = "--state", paramLabel = "FILE",
      description = "JSON-lines state: one finished trial per line, fsync'd; a rerun with the same settings skips finished trials.")
  Path stateFile;

  @Option(names = "--report", paramLabel = "DIR", description = "Also write an HTML report (tuning history; with --test the best and the defaults) to DIR/index.html.")
  Path reportDir;

  @Mixin
  ThreadsFlag threads;

  @Option(names = "--seed", paramLabel = "S", defaultValue = "42", description = "Seed of the validation split, the draws and the models. Default: ${DEFAULT-VALUE}.")
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
    int k = output.k();
    if (!METRICS.contains(metric)) {
      throw new IllegalArgumentException("unknown --metric '" + metric + "': expected one of " + String.join(", ", METRICS));
    }
    String metricKey = metric + "@" + k;
    if (!(validationFraction > 0 && validationFraction < 1)) {
      throw new IllegalArgumentException("--validation-fraction must be in (0, 1), got " + validationFraction);
    }
    ModelSpec<?> modelSpec = Models.get(model);
    SearchSpace space = space(modelSpec);
    String resourceFlag = modelSpec.flag("--epochs").map(ModelFlag::name).orElse(null);
    int maxResource = resourceFlag == null ? 1 : space.get(resourceFlag) != null
        ? (int) space.get(resourceFlag).hi() : modelSpec.configure(Map.of(), t, seed).plannedEpochs();
    TuneConfig.Search strategy = switch (search) {
      case "random" -> TuneConfig.Search.RANDOM;
      case "halving" -> TuneConfig.Search.HALVING;
      case "tpe" -> TuneConfig.Search.TPE;
      default -> throw new IllegalArgumentException("unknown --search '" + search + "': expected random, halving or tpe");
    };
    if (startupTrials < 1) throw new IllegalArgumentException("--startup-trials must be >= 1, got " + startupTrials);
    TuneConfig config = new TuneConfig(strategy, trials, timeBudget == null ? 0 : parseDuration(timeBudget),
        maxResource, eta, seed, startupTrials);

    PrintWriter err = spec.commandLine().getErr();
    boolean quiet = output.quiet || output.json;
    LoadResult r = data.read(trainFile);
    Pipeline.summarizeLoad(r, err, quiet);
    Interactions train = data.training(r);
    Split split = Splits.perUser(train, validationFraction, seed);
    EvalOptions evalOptions = EvalOptions.defaults().withThreads(t).withRelevanceThreshold(evalFlags.threshold());
    Tuner.Objective objective = flags -> {
      ModelSpec.Configured<?> c = configure(modelSpec, flags, t);
      Model m = Pipeline.train(c, split.train(), seed, true).model();
      return Evaluator.rankingMetrics(Pipeline.recommender(m), split.train(), split.test(), new int[] {k}, evalOptions)
          .get(metricKey);
    };
    if (!quiet) {
      err.printf(Locale.ROOT, "tune %s: %s search, %d configurations, space %s; validation: %.2f of each user's "
          + "training interactions (%,d)%n", model, search, trials, space.params(), validationFraction, split.test().size());
    }
    Tuner.Result result;
    Map<String, Object> header = header(space, config, resourceFlag, metricKey);
    try (TrialLog log = stateFile == null ? null : TrialLog.open(stateFile, header)) {
      Map<String, Tuner.Trial> finished = log == null ? Map.of() : log.finished();
      if (!quiet && !finished.isEmpty()) err.printf(Locale.ROOT, "resuming: %d trials in %s%n", finished.size(), stateFile);
      result = Tuner.run(space, config, strategy == TuneConfig.Search.HALVING ? resourceFlag : null, objective, finished,
          (trial, resumed, best, done, planned) -> {
            if (log != null && !resumed) {
              try {
                log.append(trial);
              } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
              }
            }
            if (!quiet) {
              err.printf(Locale.ROOT, "trial %d/%d%s %s: %s %s (best %s) %.1fs%s%n", done, planned,
                  trial.resource() > 0 ? " [" + trial.resource() + " " + resourceFlag.substring(2) + "]" : "",
                  flagText(trial.flags()), metricKey, Report.format(trial.score()), Report.format(best.score()),
                  trial.seconds(), resumed ? " (resumed)" : "");
              err.flush();
            }
          });
    }
    TuneResults.TestScores scores = test(modelSpec, result, t, k);
    TuneResults.print(model, search, metricKey, result, scores, spec.commandLine().getOut(), output.json);
    if (reportDir != null) {
      Path page = TuneResults.writeReport(reportDir, model, search, metricKey, result, scores, k, t, evalFlags.threshold());
      if (!quiet) err.println("report: " + page);
    }
    return KindredCli.EXIT_OK;
  }

  /** The model, the search and the data as the state file's header (what makes two runs the same search). */
  private Map<String, Object> header(SearchSpace space, TuneConfig c, String resourceFlag, String metricKey) {
    Map<String, Object> h = new LinkedHashMap<>();
    h.put("kindred_tune", 1);
    h.put("model", model);
    h.put("train", trainFile.toAbsolutePath().normalize().toString());
    h.put("search", search);
    h.put("trials", c.trials());
    h.put("seed", c.seed());
    h.put("eta", c.eta());
    h.put("max_resource", c.maxResource());
    h.put("resource_flag", resourceFlag);
    h.put("validation_fraction", validationFraction);
    h.put("metric", metricKey);
    h.put("space", space.params().stream().map(Param::toString).toList());
    if (c.search() == TuneConfig.Search.TPE) h.put("startup_trials", c.startupTrials());
    return h;
  }

  /** Best flags and defaults retrained on all of --train and evaluated on --test; null without --test. */
  private TuneResults.TestScores test(ModelSpec<?> modelSpec, Tuner.Result result, int t, int k) throws Exception {
    if (testFile == null) return null;
    boolean quiet = output.quiet || output.json;
    List<LoadResult> loaded = data.readShared(List.of(trainFile, testFile));
    for (LoadResult r : loaded) Pipeline.summarizeLoad(r, spec.commandLine().getErr(), true);
    Interactions train = data.training(loaded.get(0));
    Interactions test = loaded.get(1).data();
    if (train != loaded.get(0).data()) test = test.onto(train.userIndex(), train.itemIndex()); // k-core dropped ids
    List<ProgressListener.EpochReport> bestEpochs = new ArrayList<>();
    Model best = Pipeline.train(configure(modelSpec, result.best().flags(), t), train, seed, quiet, bestEpochs::add)
        .model();
    List<ProgressListener.EpochReport> defaultEpochs = new ArrayList<>();
    Model defaults = Pipeline.train(modelSpec.configure(Map.of(), t, seed), train, seed, quiet, defaultEpochs::add)
        .model();
    boolean ratings = Pipeline.hasRatings(test);
    Pipeline.Evaluation b = Pipeline.evaluateAll(best, train, test, k, t, ratings, evalFlags.threshold(), false);
    Pipeline.Evaluation d = Pipeline.evaluateAll(defaults, train, test, k, t, ratings, evalFlags.threshold(), false);
    return new TuneResults.TestScores(train, test, new EvaluationPages.Run("best", best, b, bestEpochs),
        new EvaluationPages.Run("defaults", defaults, d, defaultEpochs));
  }

  private ModelSpec.Configured<?> configure(ModelSpec<?> modelSpec, Map<String, String> flags, int t) {
    return modelSpec.configure(flags, t, seed);
  }

  private SearchSpace space(ModelSpec<?> modelSpec) throws java.io.IOException {
    SearchSpace s = spaceFile != null ? TuneSpaces.read(spaceFile)
        : TuneSpaces.hasDefault(model) || params.isEmpty() ? TuneSpaces.of(model) : new SearchSpace(List.of());
    for (String p : params) s = s.with(Param.parse(p));
    for (Param p : s.params()) {
      if (modelSpec.flag(p.flag()).isEmpty()) throw modelSpec.notApplicable(p.flag());
    }
    return s;
  }

  static String flagText(Map<String, String> flags) {
    StringBuilder sb = new StringBuilder();
    flags.forEach((f, v) -> sb.append(sb.isEmpty() ? "" : " ").append(f).append(' ').append(v));
    return sb.toString();
  }

  private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(s|m|h)?");

  /** {@code 90}, {@code 90s}, {@code 10m}, {@code 1.5h} -> nanoseconds. */
  static long parseDuration(String text) {
    Matcher m = DURATION.matcher(text.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException("--time-budget '" + text + "': expected a number with s, m or h, e.g. 10m");
    }
    double seconds = Double.parseDouble(m.group(1)) * switch (m.group(2) == null ? "s" : m.group(2)) {
      case "m" -> 60;
      case "h" -> 3600;
      default -> 1;
    };
    if (seconds <= 0) throw new IllegalArgumentException("--time-budget must be positive, got " + text);
    return (long) (seconds * 1e9);
  }
}
