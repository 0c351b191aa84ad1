package dev.kindred.spark;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kindred.core.DuplicatePolicy;
import dev.kindred.spark.sgd.DistributedSgdOptions;
import dev.kindred.spark.sgd.SyncMode;
import dev.kindred.train.hybrid.HybridConfig;
import dev.kindred.train.hybrid.HybridTrainer;
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
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code kindred spark-train} (also {@code spark-submit --class dev.kindred.spark.SparkTrain}):
 * reads interactions from any Spark source, trains a Kindred model on the cluster and writes the
 * same model file {@code kindred train} writes (on the driver's file system). Model flags come
 * from the model registry, as in {@code kindred train}; a flag that does not apply to the chosen
 * model, or that its distributed trainer does not honour, is refused before Spark starts.
 *
 * <p>This class needs no Spark on the class path until it runs: {@code kindred --help} lists it
 * from the CLI jar, and without Spark it says how to run it. The work is {@link SparkTrainJob}.
 *
 * <p>Exit status: 0 success, 2 bad input or usage (one line), 1 anything else.
 */
@Command(name = "spark-train", mixinStandardHelpOptions = true, sortOptions = false,
    modelTransformer = ModelOptions.Installer.class,
    description = "Train a Kindred model on Spark (als, ials, mf-sgd, bpr, hybrid) and write the Kindred model file.")
public final class SparkTrain implements Callable<Integer> {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Option(names = "--master", description = "Spark master: local[N], spark://HOST:PORT, yarn...; default: "
      + "as set by spark-submit, else local[*]")
  String master;

  @Option(names = "--data", required = true, description = "input path (file, directory or glob; the table name "
      + "with --format table)")
  String data;

  @Option(names = "--format", defaultValue = "tsv", description = "parquet, orc, json, table, or a kindred format: "
      + "ml-100k, ml-dat, ml-csv, tsv, csv, lightgcn (default ${DEFAULT-VALUE})")
  String format;

  @Option(names = "--columns", description = "delimited formats: user=0,item=1,rating=2,ts=3 (indices); "
      + "parquet/orc/json/table: user=NAME,item=NAME[,rating=NAME][,ts=NAME] (default user,item,value,ts)")
  String columns;

  @Option(names = "--delimiter", defaultValue = "\\t", description = "delimiter for --columns on delimited files")
  String delimiter;

  @Option(names = "--header", description = "the delimited file has a header line (with --columns)")
  boolean header;

  @Option(names = "--duplicates", defaultValue = "last", description = "last, sum or max (default ${DEFAULT-VALUE})")
  String duplicates;

  @Option(names = "--implicit", description = "treat every interaction as a positive event of value 1 (as train)")
  boolean implicit;
  @Option(names = "--min-user-interactions", defaultValue = "0", description = "keep users with at least N "
      + "interactions (a k-core with --min-item-interactions, computed on the cluster after loading, as train)")
  int minUser;
  @Option(names = "--min-item-interactions", defaultValue = "0", description = "keep items with at least N "
      + "interactions (see --min-user-interactions)")
  int minItem;

  @Mixin
  ModelOptions modelOptions;

  @Option(names = "--sync", description = "mf-sgd, bpr: dsgd|sync|async; hybrid: sync|async (default sync)")
  String sync;
  @Option(names = "--staleness", description = "mf-sgd, bpr, hybrid with --sync async") Integer staleness;
  @Option(names = "--steps-per-round", description = "mf-sgd, bpr, hybrid with --sync sync|async") Integer stepsPerRound;
  @Option(names = "--item-features", description = "hybrid: item side features (read on the driver)") Path itemFeatures;
  @Option(names = "--user-features", description = "hybrid: user side features (read on the driver)") Path userFeatures;
  @Option(names = "--features-format", split = ",", description = "hybrid: feature file layouts, as in kindred train")
  List<String> featureFormats = new ArrayList<>();

  @Option(names = "--blocks", description = "user and item blocks (default: the cluster's default parallelism)")
  Integer blocks;
  @Option(names = "--user-blocks") Integer userBlocks;
  @Option(names = "--item-blocks") Integer itemBlocks;
  @Option(names = "--checkpoint-dir", description = "checkpoint directory (any Hadoop file system)") String checkpointDir;
  @Option(names = "--checkpoint-every", defaultValue = "0", description = "checkpoint every N iterations (0: never)")
  int checkpointEvery;
  @Option(names = "--resume", description = "continue from the newest checkpoint of the same configuration")
  boolean resume;
  @Option(names = "--conf", description = "extra Spark configuration KEY=VALUE (repeatable)")
  List<String> conf = new ArrayList<>();

  @Option(names = {"--model-file", "--out"}, required = true, description = "where to write the model (driver side)")
  Path modelFile;
  @Option(names = "--json", description = "print one JSON object") boolean json;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command on its own (spark-submit, the {@code kindred} script) and returns its exit status. */
  public static int run(String... args) {
    CommandLine cl = new CommandLine(new SparkTrain());
    cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
      if (e instanceof IllegalArgumentException) {
        cmd.getErr().println("kindred spark-train: " + firstLine(e));
        return 2;
      }
      cmd.getErr().println("kindred spark-train: failed: " + firstLine(e));
      return 1;
    });
    return cl.execute(args);
  }

  static String firstLine(Throwable e) {
    String m = e.getMessage() == null ? e.toString() : e.getMessage();
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }

  @Override
  public Integer call() throws Exception {
    SparkTrainJob.Request request = request(); // every flag checked before Spark starts
    try {
      Class.forName("org.apache.spark.sql.SparkSession", false, SparkTrain.class.getClassLoader());
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException("spark-train needs Apache Spark on the class path: run it as "
          + "'./kindred spark-train ...' (adds the Maven-resolved Spark jars) or through spark-submit --class "
          + SparkTrain.class.getName());
    }
    Map<String, Object> report = SparkTrainJob.run(request);
    print(report);
    return 0;
  }

  /** The typed request for the command line; refuses flags that do not apply. */
  SparkTrainJob.Request request() {
    if (modelOptions.threads != null) {
      throw new IllegalArgumentException("--threads does not apply to spark-train (the cluster's cores are the "
          + "parallelism; see --blocks)");
    }
    String name = modelOptions.model == null ? "ials" : modelOptions.model.trim().toLowerCase(Locale.ROOT);
    Map<String, String> given = modelOptions.givenModelFlags();
    SparkModels.check(name, given.keySet());
    long seed = modelOptions.seed != null ? modelOptions.seed : 42L;
    // Threads are the cluster's: the config's thread count only labels the provenance.
    ModelSpec.Configured<?> model = Models.get(name).configure(given, 1, seed);
    boolean hybrid = name.equals(HybridTrainer.NAME);
    boolean sgd = name.equals("mf-sgd") || name.equals("bpr") || hybrid;
    if (!sgd && (sync != null || staleness != null || stepsPerRound != null)) {
      throw new IllegalArgumentException("--sync, --staleness and --steps-per-round apply to mf-sgd, bpr and hybrid only");
    }
    SparkTrainJob.FeatureFiles features = new SparkTrainJob.FeatureFiles(itemFeatures, userFeatures, featureFormats);
    if (!hybrid && features.given()) {
      throw new IllegalArgumentException("--item-features, --user-features and --features-format apply to hybrid only");
    }
    if (hybrid && model.config() instanceof HybridConfig c && c.schedule() != HybridConfig.Schedule.ADAGRAD) {
      throw new IllegalArgumentException("--learning-schedule adam is not supported by distributed hybrid (adagrad only)");
    }
    Map<String, String> extra = new LinkedHashMap<>();
    for (String kv : conf) {
      int eq = kv.indexOf('=');
      if (eq <= 0) throw new IllegalArgumentException("--conf expects KEY=VALUE, got '" + kv + "'");
      extra.put(kv.substring(0, eq), kv.substring(eq + 1));
    }
    return new SparkTrainJob.Request(master, data, format, columns, delimiter, header, DuplicatePolicy.parse(duplicates),
        model, syncOptions(hybrid), userBlocks != null ? userBlocks : blocks, itemBlocks != null ? itemBlocks : blocks,
        checkpointDir, checkpointEvery, resume, seed, extra, modelFile, new SparkInputs(implicit, minUser, minItem),
        features);
  }

  private DistributedSgdOptions syncOptions(boolean hybrid) {
    // The hybrid's AdaGrad state travels with the rows: local SGD (SYNC / ASYNC) only.
    DistributedSgdOptions o = hybrid ? DistributedSgdOptions.DEFAULTS.withMode(SyncMode.SYNC) : DistributedSgdOptions.DEFAULTS;
    if (sync != null) {
      try {
        o = o.withMode(SyncMode.valueOf(sync.trim().toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--sync must be dsgd, sync or async, got '" + sync + "'");
      }
    }
    if (hybrid && o.mode() == SyncMode.DSGD) {
      throw new IllegalArgumentException("--sync dsgd does not apply to hybrid (sync or async)");
    }
    if (staleness != null) o = o.withStaleness(staleness);
    if (stepsPerRound != null) o = o.withStepsPerRound(stepsPerRound);
    return o;
  }

  private void print(Map<String, Object> r) throws java.io.IOException {
    PrintWriter out = spec.commandLine().getOut();
    if (json) {
      out.println(new ObjectMapper().writeValueAsString(r));
    } else {
      r.forEach((k, v) -> out.printf(Locale.ROOT, "%-14s %s%n", k, v instanceof Double x ? String.format(Locale.ROOT,
          "%.3f", x) : v));
    }
    out.flush();
  }
}
