package dev.kindred.bench;

import dev.kindred.core.Interactions;
import dev.kindred.core.LatentFactorModel;
import dev.kindred.core.Provenance;
import dev.kindred.math.FactorMatrix;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.evaluation.RegressionEvaluator;
import org.apache.spark.ml.recommendation.ALS;
import org.apache.spark.ml.recommendation.ALSModel;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Spark MLlib's ALS ({@code org.apache.spark.ml.recommendation.ALS}) on a local session, fed
 * Kindred's dense indices as its user and item ids, so its factors can be copied into a
 * {@link LatentFactorModel} and scored by the same evaluator as Kindred's.
 *
 * <p>The session is {@code local[threads]} on 127.0.0.1 with the UI off, or one the caller made.
 * One instance per run;
 * {@link #close()} stops the session.
 */
final class SparkAls implements AutoCloseable {

  private static final StructType SCHEMA = new StructType()
      .add("user", DataTypes.IntegerType, false)
      .add("item", DataTypes.IntegerType, false)
      .add("rating", DataTypes.FloatType, false);

  private final SparkSession spark;
  private final int blocks;

  SparkAls(int threads, int blocks) {
    this.blocks = blocks;
    this.spark = SparkSession.builder()
        .appName("kindred-als-vs-spark")
        .master("local[" + threads + "]")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", Integer.toString(blocks))
        .config("spark.default.parallelism", Integer.toString(blocks))
        .getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
  }

  /** On an existing session (for example a driver on a standalone cluster); {@link #close()} stops it. */
  SparkAls(SparkSession spark, int blocks) {
    this.blocks = blocks;
    this.spark = spark;
  }

  String version() {
    return spark.version();
  }

  /** The pairs of {@code data} as a cached (user, item, rating) DataFrame in {@code blocks} partitions. */
  Dataset<Row> frame(Interactions data) {
    int[] ptr = data.userPtr();
    int[] idx = data.itemIdx();
    float[] val = data.values();
    List<Row> rows = new ArrayList<>(data.size());
    for (int u = 0; u < data.numUsers(); u++) {
      for (int j = ptr[u]; j < ptr[u + 1]; j++) rows.add(RowFactory.create(u, idx[j], val[j]));
    }
    Dataset<Row> df = spark.createDataFrame(rows, SCHEMA).repartition(blocks).cache();
    df.count();
    return df;
  }

  /** A fit: the model and its wall time (the estimator materialises both factor RDDs before returning). */
  record Fit(ALSModel model, double seconds) {}

  Fit fit(Dataset<Row> train, AlsVersusSpark.Params p, int iterations) {
    ALS als = new ALS()
        .setRank(p.rank())
        .setMaxIter(iterations)
        .setRegParam(p.sparkLambda())
        .setImplicitPrefs(p.implicit())
        .setAlpha(p.alpha())
        .setNumUserBlocks(blocks)
        .setNumItemBlocks(blocks)
        .setSeed(p.seed())
        .setCheckpointInterval(-1)
        .setColdStartStrategy("drop")
        .setUserCol("user")
        .setItemCol("item")
        .setRatingCol("rating");
    long t0 = System.nanoTime();
    ALSModel m = als.fit(train);
    return new Fit(m, (System.nanoTime() - t0) / 1e9);
  }

  /**
   * Spark's own RMSE of {@code model.transform(test)}, cold-start pairs dropped, and how many pairs
   * it scored.
   */
  double[] rmse(ALSModel model, Dataset<Row> test) {
    Dataset<Row> pred = model.transform(test);
    long n = pred.count();
    double rmse = new RegressionEvaluator().setMetricName("rmse").setLabelCol("rating").setPredictionCol("prediction")
        .evaluate(pred);
    return new double[] {rmse, n};
  }

  /**
   * Spark's factors as a Kindred model on {@code train}'s index space: no biases, mean 0, scores
   * unclipped ({@code p_u . q_i}, Spark's prediction). Ids Spark never saw keep zero vectors.
   */
  static LatentFactorModel toModel(ALSModel m, Interactions train) {
    int rank = m.rank();
    FactorMatrix p = copy(m.userFactors(), train.numUsers(), rank);
    FactorMatrix q = copy(m.itemFactors(), train.numItems(), rank);
    Provenance prov = Provenance.builder("spark-als").config(Map.of("rank", Integer.toString(rank))).data(train)
        .kindredVersion("spark").build();
    return new LatentFactorModel(prov, train.userIndex(), train.itemIndex(), 0f, null, null, p, q);
  }

  private static FactorMatrix copy(Dataset<Row> factors, int rows, int rank) {
    FactorMatrix f = new FactorMatrix(rows, rank);
    float[] row = new float[rank];
    for (Row r : factors.collectAsList()) {
      int id = r.getInt(0);
      List<Object> v = r.getList(1);
      for (int c = 0; c < rank; c++) row[c] = ((Number) v.get(c)).floatValue();
      f.setRow(id, row, 0);
    }
    return f;
  }

  @Override
  public void close() {
    spark.stop();
  }
}
