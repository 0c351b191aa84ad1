package dev.kindred.spark;

import dev.kindred.core.DuplicatePolicy;
import dev.kindred.core.IdIndex;
import dev.kindred.core.LatentFactorModel;
import dev.kindred.core.ModelFile;
import dev.kindred.core.SideFeatures;
import dev.kindred.data.ColumnMapping;
import dev.kindred.data.features.EncodedFeatures;
import dev.kindred.data.features.FeatureFormat;
import dev.kindred.data.features.FeatureReader;
import dev.kindred.data.features.FeatureSpace;
import dev.kindred.data.features.FeatureSpaceConfig;
import dev.kindred.data.features.FeatureTable;
import dev.kindred.math.CsrMatrix;
import dev.kindred.spark.als.DistributedAls;
import dev.kindred.spark.als.DistributedImplicitAls;
import dev.kindred.spark.sgd.DistributedBpr;
import dev.kindred.spark.sgd.DistributedHybrid;
import dev.kindred.spark.sgd.DistributedMfSgd;
import dev.kindred.spark.sgd.DistributedSgdOptions;
import dev.kindred.train.als.AlsConfig;
import dev.kindred.train.als.ImplicitAlsConfig;
import dev.kindred.train.bpr.BprConfig;
import dev.kindred.train.hybrid.HybridConfig;
import dev.kindred.train.mf.MfSgdConfig;
import dev.kindred.train.registry.ModelSpec;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Spark side of {@code spark-train}: starts (or joins) a Spark session, loads the
 * interactions, trains the registry model's distributed twin and writes the Kindred model file on
 * the driver. Typed input only: {@link SparkTrain} turns the command line into a {@link Request}.
 */
public final class SparkTrainJob {

  private static final Logger LOG = LoggerFactory.getLogger(SparkTrainJob.class);

  private SparkTrainJob() {}

  /**
   * What to train, where, on which data.
   *
   * @param master Spark master, or null for spark-submit's (else {@code local[*]})
   * @param data input path (file, directory, glob, or table name)
   * @param format a Spark source (parquet, orc, json, table) or a Kindred text format
   * @param columns column mapping text, or null for the format's default
   * @param delimiter delimiter for {@code columns} on delimited files
   * @param header the delimited file has a header line
   * @param duplicates how repeated (user, item) pairs merge
   * @param model the registry model with its config
   * @param sgd synchronisation options of the distributed SGD models
   * @param userBlocks user blocks, or null for the cluster's default parallelism
   * @param itemBlocks item blocks, likewise
   * @param checkpointDir checkpoint directory or null
   * @param checkpointEvery iterations between checkpoints (0: never)
   * @param resume continue from the newest checkpoint
   * @param seed seed of the Spark-side randomness
   * @param conf extra Spark configuration, key to value
   * @param modelFile where the model is written (driver side)
   * @param inputs {@code --implicit} and the k-core filter, applied after loading
   * @param features side-feature files of the hybrid model
   */
  public record Request(String master, String data, String format, String columns, String delimiter, boolean header,
      DuplicatePolicy duplicates, ModelSpec.Configured<?> model, DistributedSgdOptions sgd, Integer userBlocks,
      Integer itemBlocks, String checkpointDir, int checkpointEvery, boolean resume, long seed, Map<String, String> conf,
      Path modelFile, SparkInputs inputs, FeatureFiles features) {

    public Request {
      Objects.requireNonNull(features, "features");
      Objects.requireNonNull(data, "data");
      Objects.requireNonNull(format, "format");
      Objects.requireNonNull(model, "model");
      Objects.requireNonNull(sgd, "sgd");
      Objects.requireNonNull(modelFile, "modelFile");
      Objects.requireNonNull(inputs, "inputs");
      conf = Map.copyOf(conf);
      if (checkpointEvery > 0 && checkpointDir == null) {
        throw new IllegalArgumentException("--checkpoint-every needs --checkpoint-dir");
      }
      if (resume && checkpointDir == null) {
        throw new IllegalArgumentException("--resume needs --checkpoint-dir");
      }
    }
  }

  /**
   * Side-feature files, read on the driver and encoded on the loaded data's id indices.
   *
   * @param items item features, or null
   * @param users user features, or null
   * @param formats {@code --features-format} names (empty: from the file names)
   */
  public record FeatureFiles(Path items, Path users, List<String> formats) {

    public static final FeatureFiles NONE = new FeatureFiles(null, null, List.of());

    public FeatureFiles {
      formats = List.copyOf(formats);
      if (items == null && users == null && !formats.isEmpty()) {
        throw new IllegalArgumentException("--features-format needs --item-features or --user-features");
      }
    }

    boolean given() {
      return items != null || users != null;
    }

    /** The encoded features of {@code d}'s users and items (ids without interactions are left out). */
    SideFeatures load(SparkInteractions d) throws java.io.IOException {
      return new SideFeatures(users == null ? null : encode(users, false, d.users()),
          items == null ? null : encode(items, true, d.items()));
    }

    private CsrMatrix encode(Path file, boolean itemSide, IdIndex index) throws java.io.IOException {
      FeatureTable table = FeatureReader.read(file, FeatureFormat.forFile(file, itemSide, formats));
      EncodedFeatures enc = FeatureSpace.fitAndEncode(table, index, FeatureSpaceConfig.DEFAULTS);
      LOG.info("features {}: {}", file, enc.summary());
      return enc.matrix();
    }
  }

  /** Runs the request; returns what the command reports (model, master, sizes, blocks, seconds, file). */
  public static Map<String, Object> run(Request r) throws java.io.IOException {
    SparkSession.Builder b = SparkSession.builder().appName("kindred spark-train " + r.model().name());
    if (r.master() != null) {
      b = b.master(r.master());
    } else if (!System.getProperties().containsKey("spark.master")) {
      b = b.master("local[*]");
    }
    if (r.userBlocks() != null || r.itemBlocks() != null) {
      // Spark SQL's default of 200 shuffle partitions makes hundreds of tiny tasks on small data.
      int most = Math.max(r.userBlocks() == null ? 1 : r.userBlocks(), r.itemBlocks() == null ? 1 : r.itemBlocks());
      b = b.config("spark.sql.shuffle.partitions", Integer.toString(2 * most));
    }
    for (Map.Entry<String, String> e : r.conf().entrySet()) b = b.config(e.getKey(), e.getValue());
    SparkSession spark = b.getOrCreate();
    spark.sparkContext().setLogLevel(System.getProperty("kindred.spark.logLevel", "WARN"));
    try {
      long t0 = System.nanoTime();
      SparkInteractions loaded = load(spark, r);
      SparkInteractions d = r.inputs().apply(loaded, StorageLevel.MEMORY_AND_DISK(), r.data());
      if (d != loaded) loaded.unpersist();
      java.util.Optional<String> warning = SparkInputs.warn(r.model(), d);
      int parallelism = spark.sparkContext().defaultParallelism();
      int ub = r.userBlocks() != null ? r.userBlocks() : parallelism;
      int ib = r.itemBlocks() != null ? r.itemBlocks() : parallelism;
      SparkTrainingOptions opts = new SparkTrainingOptions(ub, ib, r.checkpointDir(), r.checkpointEvery(), r.resume(),
          StorageLevel.MEMORY_AND_DISK(), r.seed());
      long t1 = System.nanoTime();
      LatentFactorModel fitted = switch (r.model().config()) {
        case ImplicitAlsConfig c -> new DistributedImplicitAls(c, opts).fit(d);
        case AlsConfig c -> new DistributedAls(c, opts).fit(d);
        case MfSgdConfig c -> DistributedMfSgd.fit(d, c, opts, r.sgd());
        case BprConfig c -> DistributedBpr.fit(d, c, opts, r.sgd());
        case HybridConfig c -> DistributedHybrid.fit(d, r.features().load(d), c, opts, r.sgd());
        default -> throw new IllegalArgumentException("--model " + r.model().name() + " has no distributed trainer ("
            + String.join(", ", SparkModels.NAMES) + ")");
      };
      long t2 = System.nanoTime();
      ModelFile.write(fitted, r.modelFile());
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("model", r.model().name());
      out.put("master", spark.sparkContext().master());
      out.put("users", d.numUsers());
      out.put("items", d.numItems());
      out.put("interactions", d.size());
      out.put("invalid_rows", d.invalidRows());
      if (r.inputs().filters()) out.put("interactions_read", loaded.size());
      warning.ifPresent(w -> out.put("warning", w));
      out.put("user_blocks", ub);
      out.put("item_blocks", ib);
      out.put("load_seconds", (t1 - t0) / 1e9);
      out.put("train_seconds", (t2 - t1) / 1e9);
      out.put("model_file", r.modelFile().toString());
      d.unpersist();
      return out;
    } catch (RuntimeException e) {
      if (e.getClass().getName().equals("org.apache.spark.sql.AnalysisException")) {
        throw new IllegalArgumentException(SparkTrain.firstLine(e), e); // a bad path, table or column: the user's input
      }
      throw e;
    } finally {
      spark.stop();
    }
  }

  private static SparkInteractions load(SparkSession spark, Request r) {
    String f = r.format().trim().toLowerCase(java.util.Locale.ROOT);
    boolean named = SparkInteractions.SPARK_FORMATS.contains(f);
    ColumnMapping mapping = null;
    SparkInteractions.Columns cols = null;
    if (r.columns() != null) {
      if (named) {
        cols = SparkInteractions.Columns.parse(r.columns());
      } else {
        mapping = ColumnMapping.parse(r.columns(), r.delimiter(), r.header());
      }
    }
    try {
      return SparkInteractions.load(spark, r.data(), f, mapping, cols, r.duplicates(), StorageLevel.MEMORY_AND_DISK());
    } catch (IllegalArgumentException e) {
      // Every input error names the input, as the single-machine readers do.
      if (e.getMessage() != null && e.getMessage().startsWith(r.data())) throw e;
      throw new IllegalArgumentException(r.data() + ": " + e.getMessage(), e);
    }
  }
}
