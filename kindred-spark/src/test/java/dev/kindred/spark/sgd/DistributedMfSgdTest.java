package dev.kindred.spark.sgd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.kindred.core.FoldInRule;
import dev.kindred.core.Interactions;
import dev.kindred.core.LatentFactorModel;
import dev.kindred.core.Model;
import dev.kindred.core.ModelFile;
import dev.kindred.data.Split;
import dev.kindred.data.Splits;
import dev.kindred.data.SyntheticConfig;
import dev.kindred.data.SyntheticGenerator;
import dev.kindred.eval.Evaluator;
import dev.kindred.spark.SparkInteractions;
import dev.kindred.spark.SparkTrainingOptions;
import dev.kindred.spark.TestSpark;
import dev.kindred.spark.cluster.ShuffleBytesListener;
import dev.kindred.train.mf.MfSgdConfig;
import dev.kindred.train.mf.MfSgdTrainer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Distributed biased MF on local[2] against planted rank-10 ratings with N(0, 0.5^2) noise. */
class DistributedMfSgdTest {

  static final double NOISE = 0.5;
  static SparkSession spark;
  static Interactions train;
  static Interactions test;
  static SparkInteractions data;
  /** Held-out RMSE of single-machine {@link MfSgdTrainer} with {@link #config()}. */
  static double singleMachine;
  /** Held-out RMSE of predicting the training mean. */
  static double meanOnly;

  @BeforeAll
  static void setUp() {
    spark = TestSpark.session();
    Interactions all = new SyntheticGenerator(SyntheticConfig.of(600, 400, 60_000, 11).withNoise(NOISE))
        .generateInMemory();
    Split split = Splits.randomHoldout(all, 0.2, 5);
    train = split.train();
    test = split.test();
    data = SparkInteractions.of(JavaSparkContext.fromSparkContext(spark.sparkContext()), train, 4,
        StorageLevel.MEMORY_ONLY());
    singleMachine = rmse(new MfSgdTrainer(config().withThreads(2)).fit(train));
    double sse = 0;
    double mu = train.meanValue();
    for (float v : test.values()) sse += (v - mu) * (v - mu);
    meanOnly = Math.sqrt(sse / test.size());
  }

  @AfterAll
  static void tearDown() {
    spark.stop();
  }

  static MfSgdConfig config() {
    return MfSgdConfig.DEFAULTS.withFactors(16).withEpochs(30).withRegularization(0.03f).withSeed(7);
  }

  static double rmse(Model m) {
    return Evaluator.ratingMetrics(m, test).get("rmse");
  }

  @Test
  void dsgdMatchesSingleMachineWithinOnePercent(@TempDir Path dir) throws Exception {
    LatentFactorModel m = DistributedMfSgd.fit(data, config(), SparkTrainingOptions.DEFAULTS.withBlocks(2),
        DistributedSgdOptions.DEFAULTS);
    double distributed = rmse(m);
    // Same objective, hyperparameters and data; only the initial draw and the visiting order differ.
    assertThat(distributed).isLessThan(singleMachine * 1.01);
    // It learned the planted structure: far better than the mean, within 15% of the noise floor.
    assertThat(distributed).isLessThan(0.75 * meanOnly).isLessThan(NOISE * 1.15);
    // The model is an ordinary mf-sgd model file: same fold-in rule and clip range as single-machine.
    assertThat(m.provenance().algorithm()).isEqualTo("mf-sgd");
    assertThat(m.foldInRule()).isInstanceOf(FoldInRule.Sgd.class);
    assertThat(m.scoreMin()).isEqualTo(1f);
    assertThat(m.scoreMax()).isEqualTo(5f);
    Path file = dir.resolve("dsgd.model");
    ModelFile.write(m, file);
    LatentFactorModel back = (LatentFactorModel) ModelFile.read(file);
    assertThat(back.userFactors()).isEqualTo(m.userFactors());
    assertThat(rmse(back)).isEqualTo(distributed);
  }

  @Test
  void dsgdShufflesOnlyItemFactorBlocks() {
    ShuffleBytesListener shuffle = ShuffleBytesListener.register(spark.sparkContext());
    SparkTrainingOptions o = SparkTrainingOptions.DEFAULTS.withBlocks(2);
    long before = shuffle.snapshot().writeBytes();
    DistributedMfSgd.fit(data, config().withEpochs(2), o, DistributedSgdOptions.DEFAULTS);
    long two = shuffle.snapshot().writeBytes() - before;
    before = shuffle.snapshot().writeBytes();
    DistributedMfSgd.fit(data, config().withEpochs(6), o, DistributedSgdOptions.DEFAULTS);
    long six = shuffle.snapshot().writeBytes() - before;
    // The difference is four epochs of training without the one-off partitioning of the ratings.
    double perEpoch = (six - two) / 4.0;
    // Per epoch each of the d = 2 sub-epochs moves every item factor and bias once: d * 4 (k + 1) items
    // bytes. Moving user factors too would add 4 (k + 1) users * d (600 users vs 400 items here).
    double itemBlocks = 2 * 4.0 * (16 + 1) * train.numItems();
    // Measured: 55,556 bytes per epoch against 54,400 (serialisation headers, lz4 on random floats).
    assertThat(perEpoch).isBetween(0.8 * itemBlocks, 1.25 * itemBlocks);
  }

  @Test
  void dsgdIsDeterministicForASeedAndGrid() {
    MfSgdConfig c = config().withEpochs(3);
    SparkTrainingOptions o = SparkTrainingOptions.DEFAULTS.withBlocks(3);
    LatentFactorModel a = DistributedMfSgd.fit(data, c, o, DistributedSgdOptions.DEFAULTS);
    LatentFactorModel b = DistributedMfSgd.fit(data, c, o, DistributedSgdOptions.DEFAULTS);
    assertThat(a.userFactors()).isEqualTo(b.userFactors());
    assertThat(a.itemFactors()).isEqualTo(b.itemFactors());
    assertThat(a.userBiases()).containsExactly(b.userBiases());
    LatentFactorModel other = DistributedMfSgd.fit(data, c.withSeed(8), o, DistributedSgdOptions.DEFAULTS);
    assertThat(other.userFactors()).isNotEqualTo(a.userFactors());
  }

  @Test
  void resumingFromACheckpointGivesTheUninterruptedModel(@TempDir Path dir) {
    SparkTrainingOptions o = SparkTrainingOptions.DEFAULTS.withBlocks(2).withCheckpoints(dir.toString(), 2);
    LatentFactorModel whole = DistributedMfSgd.fit(data, config().withEpochs(4), SparkTrainingOptions.DEFAULTS
        .withBlocks(2), DistributedSgdOptions.DEFAULTS);
    // A first job stops after the checkpoint of epoch 2; a second one resumes there and runs epochs 3-4.
    DistributedMfSgd.fit(data, config().withEpochs(2), o, DistributedSgdOptions.DEFAULTS);
    SgdResult resumed = DistributedMfSgd.train(data, config().withEpochs(4), o.withResume(true),
        DistributedSgdOptions.DEFAULTS, RoundListener.NONE);
    assertThat(resumed.resumedFromEpoch()).isEqualTo(2);
    assertThat(resumed.model().userFactors()).isEqualTo(whole.userFactors());
    assertThat(resumed.model().itemFactors()).isEqualTo(whole.itemFactors());
  }

  @Test
  void synchronousRoundsResumeFromACheckpoint(@TempDir Path dir) {
    DistributedSgdOptions sync = DistributedSgdOptions.DEFAULTS.withMode(SyncMode.SYNC);
    SparkTrainingOptions o = SparkTrainingOptions.DEFAULTS.withBlocks(2).withCheckpoints(dir.toString(), 2);
    LatentFactorModel whole = DistributedMfSgd.fit(data, config().withEpochs(4), SparkTrainingOptions.DEFAULTS
        .withBlocks(2), sync);
    DistributedMfSgd.fit(data, config().withEpochs(2), o, sync);
    SgdResult resumed = DistributedMfSgd.train(data, config().withEpochs(4), o.withResume(true), sync,
        RoundListener.NONE);
    assertThat(resumed.resumedFromEpoch()).isEqualTo(2);
    // Two partitions: the aggregation's one float addition commutes, so the rounds are reproducible.
    assertThat(resumed.model().userFactors()).isEqualTo(whole.userFactors());
    assertThat(resumed.model().itemFactors()).isEqualTo(whole.itemFactors());
  }

  @Test
  void synchronousRoundsConverge() {
    List<RoundReport> reports = new ArrayList<>();
    SgdResult r = DistributedMfSgd.train(data, config(), SparkTrainingOptions.DEFAULTS.withBlocks(2),
        DistributedSgdOptions.DEFAULTS.withMode(SyncMode.SYNC), (report, model) -> reports.add(report));
    // Summed local-SGD deltas behave like sequential SGD here: within 3% of single-machine.
    assertThat(rmse(r.model())).isLessThan(singleMachine * 1.03);
    assertThat(reports).hasSize(30);
    assertThat(reports.getLast().trainLoss()).isLessThan(reports.getFirst().trainLoss());
    assertThat(reports.getLast().epochs()).isCloseTo(30.0, org.assertj.core.data.Offset.offset(1e-9));
  }

  @Test
  void asynchronousRoundsConvergeAndHonourTheStalenessBound() {
    int partitions = 2;
    for (int staleness : new int[] {0, 2}) {
      SgdResult r = DistributedMfSgd.train(data, config(), SparkTrainingOptions.DEFAULTS.withBlocks(partitions),
          DistributedSgdOptions.DEFAULTS.withMode(SyncMode.ASYNC).withStaleness(staleness).withStepsPerRound(8_000),
          RoundListener.NONE);
      assertThat(rmse(r.model())).as("staleness %d", staleness).isLessThan(singleMachine * 1.03);
      assertThat(r.stats().maxClockGap()).isLessThanOrEqualTo(staleness);
      assertThat(r.stats().maxMergeLag()).isLessThanOrEqualTo((partitions - 1) * (2L * staleness + 1));
      // 30 epochs of 48k ratings in rounds of 8,000 steps per partition: 90 rounds each.
      assertThat(r.stats().merges()).isEqualTo(90L * partitions);
    }
  }

  @Test
  void refusesWhatItCannotDo() {
    SparkTrainingOptions o = SparkTrainingOptions.DEFAULTS;
    assertThatThrownBy(() -> DistributedMfSgd.fit(data, config().withAdaptive(true), o, DistributedSgdOptions.DEFAULTS))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("adaptive");
    assertThatThrownBy(() -> DistributedMfSgd.fit(data, config(), o.withBlocks(2, 3), DistributedSgdOptions.DEFAULTS))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("numUserBlocks 2 != numItemBlocks 3");
    assertThatThrownBy(() -> DistributedMfSgd.fit(data, config(), o.withCheckpoints("/nonexistent", 1),
        DistributedSgdOptions.DEFAULTS.withMode(SyncMode.ASYNC)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not ASYNC");
    assertThatThrownBy(() -> DistributedSgdOptions.DEFAULTS.withStaleness(-1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("staleness must be >= 0, got -1");
  }
}
