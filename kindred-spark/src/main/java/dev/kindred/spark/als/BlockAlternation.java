package dev.kindred.spark.als;

import dev.kindred.core.ModelFitException;
import dev.kindred.core.ProgressListener;
import dev.kindred.core.ProgressListener.EpochReport;
import dev.kindred.math.FactorMatrix;
import dev.kindred.spark.SparkInteractions;
import dev.kindred.spark.SparkTrainingOptions;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

/**
 * The driver side of a distributed ALS fit, shared by {@link DistributedAls} and
 * {@link DistributedImplicitAls}: builds the routing of both directions once, initialises the
 * factor blocks, then alternates {@link HalfStep}s (users against items, items against users),
 * caching each side's new blocks and dropping the old ones; every {@code checkpointInterval}
 * iterations writes both sides through {@link AlsCheckpoints} and continues from the files
 * written (which cuts the lineage); on start with {@code resume} continues from the newest
 * matching checkpoint. Finally collects both sides to the driver and checks they are finite.
 *
 * <p>Per iteration: two half-steps, each one shuffle of the shipped factor rows (for the implicit
 * objective with each source block's partial Gram matrix appended, see {@link HalfStep}), run as
 * one Spark job of two stages: solve users and ship them; solve items and ship them to the user
 * blocks for the next iteration ({@link HalfStep#materialize}, whose map output the next job
 * reuses). The first iteration adds a stage that ships the initial items; the last one and one
 * that checkpoints end with the item solve instead (then the next ships from the checkpoint). Both
 * sides' new blocks are persisted, so the one job per iteration materialises both.
 * Driver memory: the two collected factor matrices at the end, {@code 4 k (users + items)} bytes.
 */
final class BlockAlternation {

  private static final Logger LOG = LoggerFactory.getLogger(BlockAlternation.class);

  /** The fitted factors and how the fit went. */
  record Result(FactorMatrix users, FactorMatrix items, int resumedFrom) {}

  private BlockAlternation() {}

  /**
   * A fingerprint of everything a checkpoint's factors depend on except the iteration count: the
   * algorithm, its hyperparameters, the seed, the block counts and the data.
   */
  static String fingerprint(String algorithm, Map<String, String> config, long seed, SparkTrainingOptions options,
      SparkInteractions data) {
    Map<String, String> m = new TreeMap<>(config);
    m.remove("iterations");
    m.put("algorithm", algorithm);
    m.put("seed", Long.toString(seed));
    m.put("userBlocks", Integer.toString(options.numUserBlocks()));
    m.put("itemBlocks", Integer.toString(options.numItemBlocks()));
    m.put("data", Long.toHexString(data.fingerprint()) + "/" + data.numUsers() + "x" + data.numItems());
    long h = 1125899906842597L;
    for (char c : m.toString().toCharArray()) {
      h = 31 * h + c;
    }
    return Long.toHexString(FactorBlocks.mix(h));
  }

  static Result run(String name, SparkInteractions data, SparkTrainingOptions options, HalfStep.Objective objective,
      int k, int iterations, float initStd, long seed, String fingerprint, ProgressListener listener) {
    long t0 = System.nanoTime();
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(data.chunks().context());
    int numUsers = data.numUsers();
    int numItems = data.numItems();
    int ub = options.numUserBlocks();
    int ib = options.numItemBlocks();
    var level = options.storageLevel();
    HashPartitioner up = new HashPartitioner(ub);
    HashPartitioner ip = new HashPartitioner(ib);
    BlockRouting.Routing userSide = BlockRouting.build(data.chunks(), true, numUsers, ub, numItems, ib, level);
    BlockRouting.Routing itemSide = BlockRouting.build(data.chunks(), false, numItems, ib, numUsers, ub, level);
    List<JavaPairRDD<?, ?>> routing = List.of(userSide.in(), userSide.out(), itemSide.in(), itemSide.out());
    long shipped = userSide.out().values().map(OutBlock::shippedRows).fold(0L, Long::sum)
        + itemSide.out().values().map(OutBlock::shippedRows).fold(0L, Long::sum);
    LOG.info("{}: {} x {} blocks, {} factor rows ({} MB of factors at k = {}) shipped per iteration", name, ub, ib,
        shipped, String.format(java.util.Locale.ROOT, "%.1f", shipped * 4.0 * k / 1e6), k);
    JavaPairRDD<Integer, float[]> users;
    JavaPairRDD<Integer, float[]> items;
    if ((long) (numUsers + numItems) * k <= FactorBlocks.DRIVER_INIT_MAX_FLOATS) {
      JavaPairRDD<Integer, float[]>[] init = FactorBlocks.singleMachineInit(sc, userSide.in(), itemSide.in(), numUsers,
          numItems, ub, ib, k, initStd, seed);
      users = init[0].persist(level);
      items = init[1].persist(level);
    } else {
      users = FactorBlocks.init(userSide.in(), ub, k, initStd, seed, 0).persist(level);
      items = FactorBlocks.init(itemSide.in(), ib, k, initStd, seed, 1).persist(level);
    }
    AlsCheckpoints checkpoints = options.checkpointDir() == null ? null
        : new AlsCheckpoints(sc, options.checkpointDir());
    int start = 0;
    if (options.resume()) {
      AlsCheckpoints.Checkpoint c = checkpoints.latest();
      if (c == null) {
        LOG.info("{}: no checkpoint in {}, starting from iteration 1", name, options.checkpointDir());
      } else if (!c.fingerprint().equals(fingerprint)) {
        throw new IllegalArgumentException(name + ": checkpoint " + c.path() + " was written for a different "
            + "configuration or data set (fingerprint " + c.fingerprint() + ", this fit " + fingerprint
            + "); use a new checkpoint directory or do not resume");
      } else if (c.iteration() > iterations) {
        throw new IllegalArgumentException(name + ": checkpoint " + c.path() + " is after iteration " + c.iteration()
            + ", beyond the " + iterations + " iterations asked for; ask for at least " + c.iteration()
            + " or do not resume");
      } else {
        users.unpersist(false);
        items.unpersist(false);
        users = checkpoints.read(c, "users", up).persist(level);
        items = checkpoints.read(c, "items", ip).persist(level);
        start = c.iteration();
        LOG.info("{}: resuming after iteration {} from {}", name, c.iteration(), c.path());
      }
    }
    // Item rows already routed to the user blocks by the previous iteration's job, if any.
    JavaPairRDD<Integer, Tuple2<Integer, float[]>> toUsers = null;
    try {
      for (int it = start + 1; it <= iterations; it++) {
        long begin = System.nanoTime();
        if (toUsers == null) {
          toUsers = HalfStep.ship(userSide.out(), items, objective, k, ip, up, "user");
        }
        JavaPairRDD<Integer, float[]> newUsers = HalfStep.solve(userSide.in(), toUsers, users, objective, k, up, "user")
            .persist(level);
        JavaPairRDD<Integer, Tuple2<Integer, float[]>> toItems = HalfStep.ship(itemSide.out(), newUsers, objective, k,
            up, ip, "item");
        JavaPairRDD<Integer, float[]> newItems = HalfStep.solve(itemSide.in(), toItems, items, objective, k, ip, "item")
            .persist(level);
        boolean checkpointNow = checkpoints != null && options.checkpointInterval() > 0
            && it % options.checkpointInterval() == 0;
        if (it < iterations && !checkpointNow) {
          // The solve-items tasks also ship the new item rows for the next iteration.
          toUsers = HalfStep.ship(userSide.out(), newItems, objective, k, ip, up, "user");
          HalfStep.materialize(toUsers);
        } else {
          newItems.count();
          toUsers = null;
        }
        users.unpersist(false);
        items.unpersist(false);
        users = newUsers;
        items = newItems;
        if (checkpointNow) {
          AlsCheckpoints.Checkpoint c = new AlsCheckpoints.Checkpoint(it, fingerprint,
              checkpoints.write(it, fingerprint, users, items));
          JavaPairRDD<Integer, float[]> u = checkpoints.read(c, "users", up).persist(level);
          JavaPairRDD<Integer, float[]> i = checkpoints.read(c, "items", ip).persist(level);
          u.count();
          i.count();
          users.unpersist(false);
          items.unpersist(false);
          users = u;
          items = i;
        }
        long now = System.nanoTime();
        LOG.info("{} iteration {}/{}: {} ms", name, it, iterations, (now - begin) / 1_000_000);
        listener.onEpoch(new EpochReport(it, iterations, Double.NaN, Double.NaN, now - begin, now - t0));
      }
      FactorMatrix u = FactorBlocks.collect(users, numUsers, ub, k);
      FactorMatrix i = FactorBlocks.collect(items, numItems, ib, k);
      if (!u.allFinite() || !i.allFinite()) {
        throw new ModelFitException(name + " diverged (non-finite factors after " + iterations + " iterations); "
            + "check the input values and raise regularization");
      }
      return new Result(u, i, start);
    } finally {
      users.unpersist(false);
      items.unpersist(false);
      for (JavaPairRDD<?, ?> r : routing) {
        r.unpersist(false);
      }
    }
  }
}
