package dev.kindred.spark;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which registry models {@code spark-train} trains, and which of their flags the distributed
 * trainers do not honour (refused before Spark starts). No Spark types here: the CLI reads this
 * class without Spark on its class path.
 */
public final class SparkModels {

  /** Models with a distributed trainer. */
  public static final List<String> NAMES = List.of("als", "ials", "mf-sgd", "bpr", "hybrid");

  private static final Map<String, Set<String>> UNSUPPORTED = Map.of(
      // One single-threaded task per block replaces the grid and the thread count.
      "mf-sgd", Set.of("--adaptive", "--early-stopping", "--bins"),
      "bpr", Set.of("--sampling", "--popularity-exponent"));

  private SparkModels() {}

  /**
   * Refuses a model without a distributed trainer, or a flag its distributed trainer ignores.
   *
   * @throws IllegalArgumentException naming the model or flag
   */
  public static void check(String model, Set<String> givenFlags) {
    if (!NAMES.contains(model)) {
      throw new IllegalArgumentException("--model " + model + " has no distributed trainer; spark-train trains "
          + String.join(", ", NAMES));
    }
    for (String f : givenFlags) {
      if (UNSUPPORTED.getOrDefault(model, Set.of()).contains(f)) {
        throw new IllegalArgumentException(f + " is not supported by distributed " + model + " (single machine only)");
      }
    }
  }
}
