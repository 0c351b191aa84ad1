package dev.kindred.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.kindred.core.DuplicatePolicy;
import dev.kindred.core.Interactions;
import dev.kindred.data.InteractionFormat;
import dev.kindred.data.InteractionReader;
import dev.kindred.data.ReadOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads the real data sets in {@code ../shared/datasets} through Spark (local[2]) and checks the
 * published counts, the number of Spark jobs the load runs, and that the Spark encoding equals the
 * single-machine reader's. Each test is skipped when its file is not there; the data is read in place.
 */
class SharedDataLoadTest {

  private static final Logger LOG = LoggerFactory.getLogger(SharedDataLoadTest.class);
  private static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = TestSpark.session();
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  @Test
  void gowallaLoadsInTwoJobsAndMatchesTheSingleMachineReader() throws IOException, TimeoutException {
    Path train = dataset("gowalla-lightgcn/train.txt");
    long[] jobs = new long[1];
    SparkInteractions d = countingJobs(jobs, () -> SparkInteractions.load(spark, train.toString(), "lightgcn", null,
        null, DuplicatePolicy.LAST, StorageLevel.MEMORY_ONLY()));
    assertThat(jobs[0]).as("Spark jobs to load and encode").isEqualTo(2);
    assertThat(d.size()).isEqualTo(810_128);
    assertThat(d.numUsers()).isEqualTo(29_858);
    assertThat(d.numItems()).isEqualTo(40_981);
    assertThat(d.invalidRows()).isZero();
    // Gowalla's ids are 0..n-1 in sorted order, so both readers index them alike.
    Interactions local = InteractionReader.read(train, InteractionFormat.LIGHTGCN, ReadOptions.DEFAULTS).data();
    Interactions viaSpark = d.toLocal();
    assertThat(viaSpark.userPtr()).isEqualTo(local.userPtr());
    assertThat(viaSpark.itemIdx()).isEqualTo(local.itemIdx());
    d.unpersist();
  }

  @Test
  void movieLens100kThroughSparkSqlCsv() throws TimeoutException {
    Path data = dataset("ml-100k/u.data");
    long[] jobs = new long[1];
    SparkInteractions d = countingJobs(jobs, () -> SparkInteractions.load(spark, data.toString(), "ml-100k", null,
        null, DuplicatePolicy.LAST, StorageLevel.MEMORY_ONLY()));
    // One job reads the first line for the column count (Spark's CSV source), then the two of the encoder.
    assertThat(jobs[0]).as("Spark jobs to load and encode").isEqualTo(3);
    assertThat(d.size()).isEqualTo(100_000);
    assertThat(d.numUsers()).isEqualTo(943);
    assertThat(d.numItems()).isEqualTo(1682);
    assertThat(d.hasTimestamps()).isTrue();
    d.unpersist();
  }

  private static <T> T countingJobs(long[] jobs, java.util.function.Supplier<T> load) throws TimeoutException {
    AtomicLong started = new AtomicLong();
    SparkListener l = new SparkListener() {
      @Override
      public void onJobStart(SparkListenerJobStart e) {
        started.incrementAndGet();
      }
    };
    spark.sparkContext().addSparkListener(l);
    try {
      long t0 = System.nanoTime();
      T result = load.get();
      LOG.info("loaded in {} s", String.format("%.2f", (System.nanoTime() - t0) / 1e9));
      // LiveListenerBus is private[spark] in Scala, public in bytecode; waitUntilEmpty is its test hook.
      spark.sparkContext().listenerBus().waitUntilEmpty(60_000L);
      jobs[0] = started.get();
      return result;
    } finally {
      spark.sparkContext().removeSparkListener(l);
    }
  }

  /** {@code ../shared/datasets/<relative>} found walking up from the working directory, else the test is skipped. */
  private static Path dataset(String relative) {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("shared").resolve("datasets").resolve(relative);
      if (Files.isRegularFile(candidate)) {
        return candidate;
      }
    }
    assumeTrue(false, "shared data set '" + relative + "' not found in any ../shared/datasets above "
        + Path.of("").toAbsolutePath() + "; skipping");
    return null;
  }
}
