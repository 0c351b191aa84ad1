package dev.kindred.spark.als;

import dev.kindred.core.Provenance;
import dev.kindred.spark.SparkInteractions;
import dev.kindred.spark.SparkTrainingOptions;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.SparkContext;

/** Provenance of a model trained on Spark: the single-machine record plus where and how it ran. */
final class SparkProvenance {

  private SparkProvenance() {}

  /**
   * The algorithm keeps its single-machine name (consumers read the model the same way); the config
   * gains {@code trainedOn=spark}, the master, the block counts, the checkpoint interval and the
   * exact interaction count (the record's field is an {@code int}); {@code threads} is the
   * cluster's default parallelism.
   */
  static Provenance of(String algorithm, Map<String, String> config, long seed, SparkTrainingOptions options,
      SparkInteractions data, SparkContext sc, double seconds, int resumedFrom) {
    Map<String, String> m = new LinkedHashMap<>(config);
    m.put("trainedOn", "spark");
    m.put("spark.master", sc.master());
    m.put("spark.userBlocks", Integer.toString(options.numUserBlocks()));
    m.put("spark.itemBlocks", Integer.toString(options.numItemBlocks()));
    m.put("spark.checkpointInterval", Integer.toString(options.checkpointInterval()));
    m.put("spark.interactions", Long.toString(data.size()));
    if (resumedFrom > 0) {
      m.put("spark.resumedAfterIteration", Integer.toString(resumedFrom));
    }
    return Provenance.builder(algorithm).config(m).dataFingerprint(data.fingerprint()).seed(seed)
        .threads(sc.defaultParallelism())
        .size(data.numUsers(), data.numItems(), (int) Math.min(Integer.MAX_VALUE, data.size()))
        .trainSeconds(seconds)
        .build();
  }
}
