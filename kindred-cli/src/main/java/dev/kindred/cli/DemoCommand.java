package dev.kindred.cli;

import dev.kindred.core.Interactions;
import dev.kindred.core.Model;
import dev.kindred.core.ProgressListener;
import dev.kindred.data.LoadResult;
import dev.kindred.data.Split;
import dev.kindred.data.Splits;
import dev.kindred.data.SyntheticConfig;
import dev.kindred.data.SyntheticGenerator;
import dev.kindred.eval.report.HtmlReport;
import dev.kindred.train.baseline.PopularityTrainer;
import dev.kindred.train.registry.ModelOptions;
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
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kindred demo}: the whole path in one command, and what a recommender is for. Generates
 * implicit events whose items are chosen by planted taste and popularity together
 * ({@link SyntheticConfig#taste()}), or reads {@code --data}; holds out a per-user fraction;
 * trains the model (implicit ALS unless {@code --model} says otherwise) and the popularity
 * baseline; prints both side by side with the lift, a few users' histories next to their
 * recommendations with a one-line explanation of each ({@link DemoUsers}), and writes the model
 * file and an HTML report ({@code --report DIR}).
 */
@Command(name = "demo", modelTransformer = ModelOptions.Installer.class, mixinStandardHelpOptions = true,
    description = {"Generate (or read --data), split per user, train a personalised model and the popularity baseline,",
        "print both side by side with the lift, show a few users' histories and recommendations, write a model file."})
final class DemoCommand implements Callable<Integer> {

  /** The model when {@code --model} is not given: the data are implicit events ranked top-K. */
  static final String DEFAULT_MODEL = "ials";

  /** Taste of the generated data: strong enough that personalisation clearly pays. */
  static final double DEFAULT_TASTE = 5.0;

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

  @Option(names = "--taste", paramLabel = "T", defaultValue = "" + DEFAULT_TASTE,
      description = "How strongly planted taste (not only popularity) picks each user's items; 0: popularity alone. Default: ${DEFAULT-VALUE}.")
  double taste;

  @Option(names = "--explicit", description = "Synthetic ratings in [1, 5] instead of implicit events.")
  boolean explicit;

  @Option(names = "--baseline", paramLabel = "MODEL", defaultValue = PopularityTrainer.NAME,
      description = "The model shown beside --model. Default: ${DEFAULT-VALUE}.")
  String baseline;

  @Option(names = "--test-fraction", paramLabel = "P", defaultValue = "0.2", description = "Per-user held-out fraction. Default: ${DEFAULT-VALUE}.")
  double testFraction;

  @Option(names = "--out", paramLabel = "FILE", defaultValue = "kindred-demo.model", description = "Model file to write. Default: ${DEFAULT-VALUE}.")
  Path out;

  @Option(names = "--report", paramLabel = "DIR", defaultValue = "kindred-demo-report",
      description = "Directory of the HTML report with plots (DIR/index.html). Default: ${DEFAULT-VALUE}.")
  Path reportDir;

  @Option(names = "--no-report", description = "Write no HTML report.")
  boolean noReport;

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
    PrintWriter err = spec.commandLine().getErr();
    PrintWriter o = spec.commandLine().getOut();
    boolean quiet = output.quiet || output.json;
    ModelSpec.Configured<?> configured = modelOptions.configured(DEFAULT_MODEL);
    int threads = modelOptions.threadsOrDefault();
    long seed = modelOptions.seed != null ? modelOptions.seed : 42L;
    ModelSpec.Configured<?> base = Models.get(baseline).configure(Map.of(), threads, seed);
    int k = output.k();
    Interactions all;
    String source;
    if (dataFile != null) {
      LoadResult r = data.read(dataFile);
      Pipeline.summarizeLoad(r, err, quiet);
      all = data.training(r);
      source = dataFile.toString();
    } else {
      SyntheticConfig c = SyntheticConfig.of(users, items, interactions, seed).withImplicit(!explicit).withTaste(taste);
      all = new SyntheticGenerator(c).generateInMemory();
      source = String.format(Locale.ROOT, "synthetic: %d users x %d items, %d %s (rank %d, taste %.1f in %d groups, "
          + "popularity exponent %.1f, seed %d)", users, items, all.size(), explicit ? "ratings" : "events",
          c.rank(), c.taste(), c.tasteGroups(), c.popularityExponent(), seed);
      if (!quiet) err.println("generated " + source);
    }
    Split split = Splits.perUser(all, testFraction, seed);
    boolean ratings = Pipeline.hasRatings(split.train());
    List<ProgressListener.EpochReport> epochs = new ArrayList<>();
    Pipeline.Trained trained = Pipeline.train(configured, split.train(), seed, quiet, epochs::add);
    Model model = trained.model();
    Model baseModel = Pipeline.train(base, split.train(), seed, true).model();
    Pipeline.Evaluation mine = Pipeline.evaluateAll(model, split.train(), split.test(), k, threads, ratings,
        evalFlags.threshold(), true);
    Pipeline.Evaluation theirs = Pipeline.evaluateAll(baseModel, split.train(), split.test(), k, threads, ratings,
        evalFlags.threshold(), true);
    Pipeline.save(model, out);
    List<DemoUsers.Example> examples = DemoUsers.examples(model, baseModel, split.train(), split.test(), 3, 5);
    String protocol = String.format(Locale.ROOT, "per-user holdout %.2f (seed %d), top-%d excludes training items",
        testFraction, seed, k);
    if (output.json) {
      Report report = new Report().put("data", source).put("protocol", protocol);
      report.put("model", withModel(configured.name(), mine.metrics(), model));
      report.put("baseline", withModel(base.name(), theirs.metrics(), baseModel));
      report.put("lift", lift(mine.metrics(), theirs.metrics()));
      report.put("users", split.train().activeUsers()).put("items", split.train().activeItems())
          .put("interactions", split.train().size()).put("model_file", out.toString());
      report.put("examples", examples.stream().map(DemoUsers.Example::toJson).toList());
      report.print(o, true);
    } else {
      o.println("== data: " + source);
      o.println("== " + configured.name() + " against " + base.name() + " (" + protocol + ")");
      printSideBySide(configured.name(), base.name(), mine.metrics(), theirs.metrics(), o);
      o.println();
      o.println("== three users: what they interacted with (training), what " + configured.name()
          + " recommends and why (the history items behind each score), and " + base.name());
      DemoUsers.print(examples, configured.name(), base.name(), o);
      o.println();
      o.println("model file: " + out + " (trained in " + Report.format(model.provenance().trainSeconds()) + " s)");
      o.println("next: ./kindred recommend --model-file " + out + " --user "
          + model.userIndex().externalId(DemoUsers.sample(split.train(), 1)[0]));
    }
    if (!noReport) {
      HtmlReport page = EvaluationPages.page("Kindred demo: " + configured.name() + " against " + base.name(),
          source + "; " + protocol, split.train(), split.test(), k, threads, evalFlags.threshold(),
          List.of(new EvaluationPages.Run(configured.name(), model, mine, epochs),
              new EvaluationPages.Run(base.name(), baseModel, theirs, List.of())));
      DemoUsers.addTo(page, examples, configured.name(), base.name());
      Path written = EvaluationPages.write(reportDir, page);
      if (!output.json) o.println("report: " + written + " (open it in a browser)");
    }
    o.flush();
    return KindredCli.EXIT_OK;
  }

  private static Map<String, Object> withModel(String name, Map<String, Double> metrics, Model model) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("model", name);
    m.putAll(metrics);
    m.put("train_seconds", model.provenance().trainSeconds());
    return m;
  }

  /** Each metric of both: model / baseline (null where the baseline's value is 0 or missing). */
  static Map<String, Double> lift(Map<String, Double> model, Map<String, Double> baseline) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (Map.Entry<String, Double> e : model.entrySet()) {
      Double b = baseline.get(e.getKey());
      if (e.getKey().equals("users_evaluated") || b == null) continue;
      out.put(e.getKey(), b == 0 || b.isNaN() || e.getValue().isNaN() ? null : e.getValue() / b);
    }
    return out;
  }

  private static void printSideBySide(String modelName, String baseName, Map<String, Double> model,
      Map<String, Double> baseline, PrintWriter o) {
    Map<String, Double> lift = lift(model, baseline);
    int w = model.keySet().stream().mapToInt(String::length).max().orElse(6);
    String row = "%-" + w + "s  %12s  %12s  %8s%n";
    o.printf(Locale.ROOT, row, "metric", modelName, baseName, "lift");
    for (Map.Entry<String, Double> e : model.entrySet()) {
      Double l = lift.get(e.getKey());
      Double b = baseline.get(e.getKey());
      o.printf(Locale.ROOT, row, e.getKey(), Report.format(e.getValue()), b == null ? "-" : Report.format(b),
          l == null ? "-" : String.format(Locale.ROOT, "%.2fx", l));
    }
  }
}
