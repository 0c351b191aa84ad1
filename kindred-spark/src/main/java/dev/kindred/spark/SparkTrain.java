package dev.kindred.spark;

import dev.kindred.core.DuplicatePolicy;
import dev.kindred.core.LatentFactorModel;
import dev.kindred.core.ModelFile;
import dev.kindred.data.ColumnMapping;
import dev.kindred.spark.als.DistributedAls;
import dev.kindred.spark.als.DistributedImplicitAls;
import dev.kindred.spark.sgd.DistributedBpr;
import dev.kindred.spark.sgd.DistributedMfSgd;
import dev.kindred.spark.sgd.DistributedSgdOptions;
import dev.kindred.spark.sgd.SyncMode;
import dev.kindred.train.als.AlsConfig;
import dev.kindred.train.als.AlsSolver;
import dev.kindred.train.als.ImplicitAlsConfig;
import dev.kindred.train.bpr.BprConfig;
import dev.kindred.train.mf.MfSgdConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code kindred spark-train} / {@code spark-submit --class dev.kindred.spark.SparkTrain}: reads
 * interactions from any Spark source, trains a Kindred model on the cluster and writes the same
 * model file the single-machine {@code kindred train} writes (on the driver's file system). Flags
 * mirror {@code kindred train}; a flag that does not apply to the chosen model is refused. The only
 * place in this module where strings become typed config.
 *
 * <p>Exit status: 0 success, 2 bad input or usage (one line), 1 anything else.
 */
@Command(name = "spark-train", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Train a Kindred model on Spark and write the Kindred model file.")
public final class SparkTrain implements Callable<Integer> {

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

  @Option(names = "--model", defaultValue = "ials", description = "als, ials, mf-sgd or bpr (default ${DEFAULT-VALUE})")
  String model;

  @Option(names = "--factors") Integer factors;
  @Option(names = "--iterations", description = "als, ials") Integer iterations;
  @Option(names = "--epochs", description = "mf-sgd, bpr") Integer epochs;
  @Option(names = {"--regularization", "--lambda"}) Float regularization;
  @Option(names = "--alpha", description = "ials") Float alpha;
  @Option(names = "--weighted-lambda", arity = "1", description = "als, ials: true|false") Boolean weightedLambda;
  @Option(names = "--solver", description = "als, ials: cg|cholesky") String solver;
  @Option(names = "--cg-steps", description = "als, ials") Integer cgSteps;
  @Option(names = "--init-std") Float initStd;
  @Option(names = "--learning-rate", description = "mf-sgd, bpr") Float learningRate;
  @Option(names = "--lr-decay", description = "mf-sgd, bpr") Float lrDecay;
  @Option(names = "--sync", description = "mf-sgd, bpr: dsgd|sync|async") String sync;
  @Option(names = "--staleness", description = "mf-sgd, bpr with --sync async") Integer staleness;
  @Option(names = "--steps-per-round", description = "mf-sgd, bpr with --sync sync|async") Integer stepsPerRound;
  @Option(names = "--seed", defaultValue = "42") long seed;

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

  private PrintWriter out;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command and returns its exit status. */
  public static int run(String... args) {
    CommandLine cl = new CommandLine(new SparkTrain());
    cl.setExecutionExceptionHandler((e, cmd, parsed) -> {
      if (e instanceof IllegalArgumentException || isAnalysis(e)) {
        cmd.getErr().println("kindred spark-train: " + oneLine(e));
        return 2;
      }
      cmd.getErr().println("kindred spark-train: failed: " + oneLine(e));
      return 1;
    });
    return cl.execute(args);
  }

  private static boolean isAnalysis(Throwable e) {
    return e.getClass().getName().equals("org.apache.spark.sql.AnalysisException");
  }

  private static String oneLine(Throwable e) {
    String m = e.getMessage() == null ? e.toString() : e.getMessage();
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }

  @Override
  public Integer call() throws Exception {
    out = new PrintWriter(System.out, true);
    String m = model.trim().toLowerCase(Locale.ROOT);
    checkFlags(m);
    SparkSession.Builder b = SparkSession.builder().appName("kindred spark-train " + m);
    if (master != null) {
      b = b.master(master);
    } else if (!System.getProperties().containsKey("spark.master")) {
      b = b.master("local[*]");
    }
    if (blocks != null || userBlocks != null || itemBlocks != null) {
      // Spark SQL's default of 200 shuffle partitions makes hundreds of tiny tasks on small data.
      int most = Math.max(blocks == null ? 1 : blocks, Math.max(userBlocks == null ? 1 : userBlocks,
          itemBlocks == null ? 1 : itemBlocks));
      b = b.config("spark.sql.shuffle.partitions", Integer.toString(2 * most));
    }
    for (String kv : conf) {
      int eq = kv.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("--conf expects KEY=VALUE, got '" + kv + "'");
      }
      b = b.config(kv.substring(0, eq), kv.substring(eq + 1));
    }
    SparkSession spark = b.getOrCreate();
    spark.sparkContext().setLogLevel(System.getProperty("kindred.spark.logLevel", "WARN"));
    try {
      long t0 = System.nanoTime();
      SparkInteractions d = load(spark);
      int parallelism = spark.sparkContext().defaultParallelism();
      int ub = userBlocks != null ? userBlocks : blocks != null ? blocks : parallelism;
      int ib = itemBlocks != null ? itemBlocks : blocks != null ? blocks : parallelism;
      SparkTrainingOptions opts = new SparkTrainingOptions(ub, ib, checkpointDir, checkpointEvery, resume,
          StorageLevel.MEMORY_AND_DISK(), seed);
      long t1 = System.nanoTime();
      LatentFactorModel fitted = switch (m) {
        case "ials" -> new DistributedImplicitAls(implicitConfig(), opts).fit(d);
        case "als" -> new DistributedAls(alsConfig(), opts).fit(d);
        case "mf-sgd" -> DistributedMfSgd.fit(d, mfConfig(), opts, syncOptions());
        case "bpr" -> DistributedBpr.fit(d, bprConfig(), opts, syncOptions());
        default -> throw new IllegalArgumentException("--model must be als, ials, mf-sgd or bpr, got '" + model + "'");
      };
      long t2 = System.nanoTime();
      ModelFile.write(fitted, modelFile);
      Map<String, Object> r = new LinkedHashMap<>();
      r.put("model", m);
      r.put("master", spark.sparkContext().master());
      r.put("users", d.numUsers());
      r.put("items", d.numItems());
      r.put("interactions", d.size());
      r.put("invalid_rows", d.invalidRows());
      r.put("user_blocks", ub);
      r.put("item_blocks", ib);
      r.put("load_seconds", (t1 - t0) / 1e9);
      r.put("train_seconds", (t2 - t1) / 1e9);
      r.put("model_file", modelFile.toString());
      print(r);
      d.unpersist();
      return 0;
    } finally {
      spark.stop();
    }
  }

  private SparkInteractions load(SparkSession spark) {
    DuplicatePolicy policy = DuplicatePolicy.parse(duplicates);
    String f = format.trim().toLowerCase(Locale.ROOT);
    boolean named = SparkInteractions.SPARK_FORMATS.contains(f);
    ColumnMapping mapping = null;
    SparkInteractions.Columns cols = null;
    if (columns != null) {
      if (named) {
        cols = SparkInteractions.Columns.parse(columns);
      } else {
        mapping = ColumnMapping.parse(columns, delimiter, header);
      }
    }
    return SparkInteractions.load(spark, data, f, mapping, cols, policy, StorageLevel.MEMORY_AND_DISK());
  }

  /** Refuses flags that do not apply to the model, as {@code kindred train} does. */
  private void checkFlags(String m) {
    boolean als = m.equals("als") || m.equals("ials");
    boolean sgd = m.equals("mf-sgd") || m.equals("bpr");
    refuse(!als, iterations, "--iterations", m, "als, ials (use --epochs)");
    refuse(!als, weightedLambda, "--weighted-lambda", m, "als, ials");
    refuse(!als, solver, "--solver", m, "als, ials");
    refuse(!als, cgSteps, "--cg-steps", m, "als, ials");
    refuse(!m.equals("ials"), alpha, "--alpha", m, "ials");
    refuse(!sgd, epochs, "--epochs", m, "mf-sgd, bpr (use --iterations)");
    refuse(!sgd, learningRate, "--learning-rate", m, "mf-sgd, bpr");
    refuse(!sgd, lrDecay, "--lr-decay", m, "mf-sgd, bpr");
    refuse(!sgd, sync, "--sync", m, "mf-sgd, bpr");
    refuse(!sgd, staleness, "--staleness", m, "mf-sgd, bpr");
    refuse(!sgd, stepsPerRound, "--steps-per-round", m, "mf-sgd, bpr");
    if (checkpointEvery > 0 && checkpointDir == null) {
      throw new IllegalArgumentException("--checkpoint-every needs --checkpoint-dir");
    }
    if (resume && checkpointDir == null) {
      throw new IllegalArgumentException("--resume needs --checkpoint-dir");
    }
  }

  private static void refuse(boolean notApplicable, Object value, String flag, String model, String applies) {
    if (notApplicable && value != null) {
      throw new IllegalArgumentException(flag + " does not apply to --model " + model + " (only " + applies + ")");
    }
  }

  private AlsSolver solver() {
    return switch (solver.trim().toLowerCase(Locale.ROOT)) {
      case "cg" -> AlsSolver.CG;
      case "cholesky" -> AlsSolver.CHOLESKY;
      default -> throw new IllegalArgumentException("--solver must be cg or cholesky, got '" + solver + "'");
    };
  }

  private ImplicitAlsConfig implicitConfig() {
    ImplicitAlsConfig c = ImplicitAlsConfig.DEFAULTS.withSeed(seed);
    if (factors != null) c = c.withFactors(factors);
    if (iterations != null) c = c.withIterations(iterations);
    if (regularization != null) c = c.withRegularization(regularization);
    if (alpha != null) c = c.withAlpha(alpha);
    if (weightedLambda != null) c = c.withWeightedLambda(weightedLambda);
    if (solver != null) c = c.withSolver(solver());
    if (cgSteps != null) c = c.withCgSteps(cgSteps);
    if (initStd != null) c = c.withInitStd(initStd);
    return c;
  }

  private AlsConfig alsConfig() {
    AlsConfig c = AlsConfig.DEFAULTS.withSeed(seed);
    if (factors != null) c = c.withFactors(factors);
    if (iterations != null) c = c.withIterations(iterations);
    if (regularization != null) c = c.withRegularization(regularization);
    if (weightedLambda != null) c = c.withWeightedLambda(weightedLambda);
    if (solver != null) c = c.withSolver(solver());
    if (cgSteps != null) c = c.withCgSteps(cgSteps);
    if (initStd != null) c = c.withInitStd(initStd);
    return c;
  }

  private MfSgdConfig mfConfig() {
    MfSgdConfig c = MfSgdConfig.DEFAULTS.withSeed(seed);
    if (factors != null) c = c.withFactors(factors);
    if (epochs != null) c = c.withEpochs(epochs);
    if (regularization != null) c = c.withRegularization(regularization);
    if (learningRate != null) c = c.withLearningRate(learningRate);
    if (lrDecay != null) c = c.withLearningRateDecay(lrDecay);
    if (initStd != null) c = c.withInitStd(initStd);
    return c;
  }

  private BprConfig bprConfig() {
    BprConfig c = BprConfig.DEFAULTS.withSeed(seed);
    if (factors != null) c = c.withFactors(factors);
    if (epochs != null) c = c.withEpochs(epochs);
    if (regularization != null) c = c.withRegularization(regularization);
    if (learningRate != null) c = c.withLearningRate(learningRate);
    if (lrDecay != null) c = c.withLearningRateDecay(lrDecay);
    if (initStd != null) c = c.withInitStd(initStd);
    return c;
  }

  private DistributedSgdOptions syncOptions() {
    DistributedSgdOptions o = DistributedSgdOptions.DEFAULTS;
    if (sync != null) {
      try {
        o = o.withMode(SyncMode.valueOf(sync.trim().toUpperCase(Locale.ROOT)));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--sync must be dsgd, sync or async, got '" + sync + "'");
      }
    }
    if (staleness != null) o = o.withStaleness(staleness);
    if (stepsPerRound != null) o = o.withStepsPerRound(stepsPerRound);
    return o;
  }

  private void print(Map<String, Object> r) {
    if (json) {
      StringBuilder sb = new StringBuilder("{");
      r.forEach((k, v) -> {
        if (sb.length() > 1) sb.append(", ");
        sb.append('"').append(k).append("\": ");
        if (v instanceof Number) {
          sb.append(v);
        } else {
          sb.append('"').append(v.toString().replace("\\", "\\\\").replace("\"", "\\\"")).append('"');
        }
      });
      out.println(sb.append('}'));
    } else {
      r.forEach((k, v) -> out.printf(Locale.ROOT, "%-14s %s%n", k, v instanceof Double x ? String.format(Locale.ROOT,
          "%.3f", x) : v));
    }
  }
}
