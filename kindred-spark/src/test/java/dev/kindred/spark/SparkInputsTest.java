package dev.kindred.spark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kindred.core.Interactions;
import dev.kindred.data.Filters;
import dev.kindred.data.SyntheticConfig;
import dev.kindred.data.SyntheticGenerator;
import dev.kindred.train.registry.Models;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** spark-train's input checks: the distributed k-core equals kindred-data's, --implicit, the registry's warnings. */
class SparkInputsTest {

  static SparkSession spark;
  static JavaSparkContext sc;
  // Power-law activity and popularity: a 10-core drops many users and items, in more than one round.
  static final Interactions DATA = new SyntheticGenerator(SyntheticConfig.of(400, 300, 5_000, 9L)).generateInMemory();

  @BeforeAll
  static void start() {
    spark = TestSpark.session();
    sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
  }

  @AfterAll
  static void stop() {
    spark.stop();
  }

  static Set<String> triples(Interactions d) {
    Set<String> s = new HashSet<>();
    for (int u = 0; u < d.numUsers(); u++) {
      for (int j = d.userPtr()[u]; j < d.userPtr()[u + 1]; j++) {
        s.add(d.userIndex().externalId(u) + " " + d.itemIndex().externalId(d.itemIdx()[j]) + " " + d.values()[j]);
      }
    }
    return s;
  }

  @Test
  void theDistributedKCoreKeepsWhatTrainsKCoreKeeps() {
    SparkInteractions d = SparkInteractions.of(sc, DATA, 3, StorageLevel.MEMORY_ONLY());
    SparkInteractions core = new SparkInputs(false, 10, 10).apply(d, StorageLevel.MEMORY_ONLY(), "data.tsv");
    Interactions local = Filters.kCore(DATA, 10, 10);
    assertTrue(local.size() > 0 && local.size() < DATA.size() * 8 / 10, "the filter must bite: " + local.size());
    assertEquals(local.size(), core.size());
    assertEquals(local.activeUsers(), core.numUsers());
    assertEquals(local.activeItems(), core.numItems());
    assertEquals(triples(local), triples(core.toLocal()));
    assertThrows(IllegalArgumentException.class, () -> new SparkInputs(false, -1, 0));
    IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
        () -> new SparkInputs(false, 10_000, 0).apply(d, StorageLevel.MEMORY_ONLY(), "data.tsv"));
    assertEquals("data.tsv: no interactions are left after --min-user-interactions 10000 and "
        + "--min-item-interactions 0", none.getMessage());
  }

  @Test
  void implicitSetsEveryValueToOneAndTheRegistryWarningsFollowTheValues() {
    SparkInteractions d = SparkInteractions.of(sc, DATA, 3, StorageLevel.MEMORY_ONLY());
    SparkInteractions ones = new SparkInputs(true, 0, 0).apply(d, StorageLevel.MEMORY_ONLY(), "data.tsv");
    for (float v : ones.toLocal().values()) assertEquals(1f, v);
    assertNotEquals(d.fingerprint(), ones.fingerprint());
    var ials = Models.get("ials").configure(Map.of(), 1, 1L);
    var mf = Models.get("mf-sgd").configure(Map.of(), 1, 1L);
    assertTrue(SparkInputs.warn(ials, d).orElseThrow().contains("reads the values as confidences"));
    assertTrue(SparkInputs.warn(ials, ones).isEmpty());
    assertTrue(SparkInputs.warn(mf, ones).orElseThrow().contains("every value is the same"));
    assertTrue(SparkInputs.warn(mf, d).isEmpty());
  }
}
