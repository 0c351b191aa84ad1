package dev.kindred.bench;

import dev.kindred.core.Interactions;
import dev.kindred.data.SyntheticConfig;
import dev.kindred.data.SyntheticGenerator;
import dev.kindred.spark.SparkInteractions;
import dev.kindred.spark.SparkTrainingOptions;
import dev.kindred.spark.als.DistributedImplicitAls;
import dev.kindred.spark.cluster.ShuffleBytesListener;
import dev.kindred.train.als.ImplicitAlsConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;

/**
 * Shuffle bytes per iteration of Kindred's distributed implicit ALS on a standalone cluster on this
 * machine, at several (users, items, interactions, k, blocks), next to the routing model.
 *
 * <p><b>Model.</b> In a user half-step each user block receives, from every item block, the factors
 * of the items its users rated and nothing else (MLlib's in/out-block routing); the item half-step
 * mirrors it. Factor rows shipped per iteration:
 * {@code R = sum over user blocks b of |items rated in b| + sum over item blocks c of |users who
 * rated in c|}, each bounded by {@code min(nnz, blocks x items)} (resp. users). Bytes per
 * iteration are then {@code R x 4k} (k floats per row; the receiving block knows each row's place
 * from its in-block, so no ids travel) plus per-message framing; the Gram matrix {@code Y^T Y} ({@code 4 k^2} bytes per block) travels by
 * aggregation and broadcast, not by shuffle. {@code R} is counted exactly from the data with the
 * trainer's block assignment ({@code id mod blocks}).
 *
 * <p><b>Measurement.</b> {@link ShuffleBytesListener} totals around fits of 1 and 3 iterations;
 * per iteration = {@code (bytes(3) - bytes(1)) / 2}, so block building and the final collect cancel.
 *
 * <p>Usage: {@code kindred-bench/scripts/spark-cluster-vs-mllib.sh --shuffle-volume [executors]}.
 */
public final class ShuffleVolume {

  private ShuffleVolume() {}

  /** One point of the sweep. */
  record Point(int users, int items, long interactions, int k, int blocks) {}

  public static void main(String[] args) throws Exception {
    int executors = args.length > 0 ? Integer.parseInt(args[0]) : 2;
    List<Point> points = List.of(
        new Point(20_000, 10_000, 200_000, 32, 2),
        new Point(20_000, 10_000, 200_000, 32, 4),
        new Point(20_000, 10_000, 200_000, 32, 8),
        new Point(20_000, 10_000, 200_000, 64, 4),
        new Point(20_000, 10_000, 200_000, 128, 4),
        new Point(40_000, 20_000, 400_000, 32, 4),
        new Point(40_000, 20_000, 800_000, 32, 4));
    List<String> rows = new ArrayList<>();
    try (BenchCluster c = BenchCluster.start(Path.of("kindred-bench/target/spark-cluster").toAbsolutePath(), executors,
        "1g", 4)) {
      ShuffleBytesListener bytes = ShuffleBytesListener.register(c.spark.sparkContext());
      JavaSparkContext jsc = JavaSparkContext.fromSparkContext(c.spark.sparkContext());
      for (Point p : points) {
        Interactions data = new SyntheticGenerator(SyntheticConfig.of(p.users(), p.items(), p.interactions(), 5L)
            .withImplicit(true)).generateInMemory();
        SparkInteractions input = SparkInteractions.of(jsc, data, p.blocks(), StorageLevel.MEMORY_AND_DISK());
        SparkTrainingOptions o = SparkTrainingOptions.DEFAULTS.withBlocks(p.blocks());
        ImplicitAlsConfig cfg = ImplicitAlsConfig.DEFAULTS.withFactors(p.k()).withSeed(5L);
        new DistributedImplicitAls(cfg.withIterations(1), o).fit(input); // warm-up
        ShuffleBytesListener.Totals b0 = bytes.snapshot();
        new DistributedImplicitAls(cfg.withIterations(1), o).fit(input);
        ShuffleBytesListener.Totals b1 = bytes.snapshot();
        new DistributedImplicitAls(cfg.withIterations(3), o).fit(input);
        ShuffleBytesListener.Totals b3 = bytes.snapshot();
        input.unpersist();
        long write = ((b3.writeBytes() - b1.writeBytes()) - (b1.writeBytes() - b0.writeBytes())) / 2;
        long remote = ((b3.remoteReadBytes() - b1.remoteReadBytes()) - (b1.remoteReadBytes() - b0.remoteReadBytes())) / 2;
        long routed = routedRows(data, p.blocks());
        double model = routed * 4.0 * p.k();
        String row = String.format(Locale.ROOT, "| %,d | %,d | %,d | %d | %d | %,d | %.2f | %.2f | %.2f | %.3f |",
            data.numUsers(), data.numItems(), data.size(), p.k(), p.blocks(), routed, model / 1e6, write / 1e6,
            remote / 1e6, write / model);
        System.out.println(row);
        rows.add(row);
      }
    }
    System.out.println();
    System.out.println("| users | items | nnz | k | blocks | routed rows R | model 4kR MB | measured write MB/iter"
        + " | remote read MB/iter | measured / model |");
    System.out.println("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
    rows.forEach(System.out::println);
  }

  /**
   * {@code R}: sum over user blocks of the distinct items rated there plus sum over item blocks of
   * the distinct users who rated there, blocks by {@code id mod blocks}.
   */
  static long routedRows(Interactions data, int blocks) {
    int[] ptr = data.userPtr();
    int[] idx = data.itemIdx();
    BitSet[] itemsOfUserBlock = new BitSet[blocks];
    BitSet[] usersOfItemBlock = new BitSet[blocks];
    for (int b = 0; b < blocks; b++) {
      itemsOfUserBlock[b] = new BitSet(data.numItems());
      usersOfItemBlock[b] = new BitSet(data.numUsers());
    }
    for (int u = 0; u < data.numUsers(); u++) {
      for (int j = ptr[u]; j < ptr[u + 1]; j++) {
        itemsOfUserBlock[u % blocks].set(idx[j]);
        usersOfItemBlock[idx[j] % blocks].set(u);
      }
    }
    long r = 0;
    for (int b = 0; b < blocks; b++) r += itemsOfUserBlock[b].cardinality() + usersOfItemBlock[b].cardinality();
    return r;
  }
}
