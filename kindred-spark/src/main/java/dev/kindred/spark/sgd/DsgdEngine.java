package dev.kindred.spark.sgd;

import dev.kindred.core.LatentFactorModel;
import dev.kindred.math.Kernels;
import dev.kindred.math.VectorOps;
import dev.kindred.spark.InteractionChunk;
import dev.kindred.spark.SparkTrainingOptions;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaRDDLike;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.util.DoubleAccumulator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

/**
 * Stratified SGD on a {@code d x d} block grid (Gemulla, Nijkamp, Haas, Sismanis, "Large-scale
 * matrix factorization with distributed stochastic gradient descent", KDD 2011,
 * doi:10.1145/2020408.2020426).
 *
 * <p>Layout: user {@code u} is in user block {@code u mod d}, item {@code i} in item block
 * {@code i mod d} (balanced for dense ids, no lookup table). The ratings RDD has {@code d}
 * partitions, partition {@code b} holding every rating of user block {@code b}, grouped by item
 * block ({@link LocalRatings}); it is cached and never moves again. The user factors of block
 * {@code b} live in partition {@code b} of a second RDD, co-partitioned with the ratings (zipped,
 * a narrow dependency: user factors never cross the network). Item factors are {@code d} blocks
 * keyed by item block.
 *
 * <p>Epoch {@code e} is {@code d} sub-epochs (strata). With a seeded column permutation
 * {@code pi_e} and stratum shifts {@code sigma_e}, sub-epoch {@code s} pairs user block {@code b}
 * with item block {@code pi_e((b + sigma_e(s)) mod d)}: {@code d} blocks sharing no user and no
 * item, the paper's interchangeable blocks, one task each. Data movement per sub-epoch: each item
 * factor block is re-keyed to the partition of the user block it meets and shuffled there
 * ({@code 4 k numItems} bytes, plus {@code 4 numItems} of biases, in total); nothing else moves.
 * Over an epoch every item block visits every partition once, and every rating is visited once.
 * The DSGD paper's "d x d grid, strata of d interchangeable blocks" is exactly this; departures:
 * the order within a block is a fixed seeded shuffle (not sampling with replacement), and the step
 * is {@code MfSgdTrainer}'s decayed {@code eta * decay^e} instead of the paper's bold driver.
 *
 * <p>Determinism: the grid, the strata, the order within each block and each task's generator are
 * functions of the seeds and {@code d}, and every block is processed by one sequential task, so a
 * seed and {@code d} fix the model bit for bit, whatever the executors and their timing.
 *
 * <p>Cost per sub-epoch: {@code O(nnz / d * k)} flops per task; per epoch the shuffle moves the
 * item factors {@code d} times ({@code 4 (k + 1) numItems d} bytes). Memory per executor: its
 * partitions' ratings (20 bytes each), user blocks and one item block per running task.
 *
 * <p>Lineage and faults: with {@link SparkTrainingOptions#checkpointDir()} set, every
 * {@code checkpointInterval} epochs the factor blocks are written there ({@link SgdCheckpoints})
 * and read back, which cuts the lineage; a lost executor's blocks are recomputed from the last
 * checkpoint (at most {@code checkpointInterval} epochs of work), and a later fit resumes from it.
 * Without one, the lineage is cut at every epoch end by Spark's own {@code RDD.checkpoint()} when
 * the context has a checkpoint directory (fault-tolerant, no resume), else by
 * {@code localCheckpoint()}, whose blocks live on the executors: losing an executor then fails the
 * fit.
 *
 * <p>Thread safety: a static algorithm; one call uses the given Spark context and caches RDDs that
 * it unpersists before returning.
 */
final class DsgdEngine {

  private static final Logger LOG = LoggerFactory.getLogger(DsgdEngine.class);

  private DsgdEngine() {}

  static SgdResult run(JavaSparkContext jsc, JavaRDD<InteractionChunk> chunks, SgdProblem problem,
      DataSummary summary, SparkTrainingOptions options, String algorithm, Function<Factors, LatentFactorModel> toModel,
      RoundListener listener) {
    final int d = options.numUserBlocks();
    if (options.numItemBlocks() != d) {
      throw new IllegalArgumentException("DSGD needs a square grid: numUserBlocks " + d + " != numItemBlocks "
          + options.numItemBlocks());
    }
    final int numUsers = problem.numUsers();
    final int numItems = problem.numItems();
    final int k = problem.factors();
    final long sparkSeed = options.seed();
    final long modelSeed = problem.seed();
    final float std = problem.initStd();
    final boolean userBias = problem.objective().userBias();
    final boolean itemBias = problem.objective().itemBias();
    final SgdObjective objective = problem.objective();
    HashPartitioner byBlock = new HashPartitioner(d);

    long t0 = System.nanoTime();
    long excluded = 0;
    JavaRDD<LocalRatings> ratings = chunks
        .flatMapToPair(c -> splitByUserBlock(c, d).iterator())
        .partitionBy(byBlock)
        .values()
        .mapPartitionsWithIndex((idx, it) -> Collections.singletonList(
            LocalRatings.build(idx, it, numUsers, numItems, d, sparkSeed)).iterator(), true)
        .persist(options.storageLevel());

    SgdCheckpoints checkpoints = options.checkpointDir() == null ? null
        : new SgdCheckpoints(jsc, options.checkpointDir(), algorithm, d, k, numUsers, numItems);
    int startEpoch = 0;
    JavaRDD<FactorBlock> users;
    JavaPairRDD<Integer, FactorBlock> items;
    SgdCheckpoints.Loaded loaded = options.resume() && checkpoints != null ? checkpoints.latest() : null;
    if (loaded != null) {
      startEpoch = loaded.epoch();
      users = loaded.users().mapToPair(b -> new Tuple2<>(b.block, b)).partitionBy(byBlock).values();
      items = loaded.items().mapToPair(b -> new Tuple2<>(b.block, b));
      LOG.info("DSGD resumes {} from the checkpoint of epoch {}", algorithm, startEpoch);
    } else {
      users = ratings.map(r -> {
        FactorBlock b = FactorBlock.gaussian(r.partition, d, numUsers, k, std, userBias, modelSeed, 1);
        boolean[] rated = new boolean[b.rows];
        for (int u : r.users) rated[b.localRow(u)] = true;
        for (int x = 0; x < b.rows; x++) if (!rated[x]) b.zeroRow(x);
        return b;
      });
      List<Integer> blockIds = new ArrayList<>();
      for (int b = 0; b < d; b++) blockIds.add(b);
      items = jsc.parallelize(blockIds, d)
          .mapToPair(b -> new Tuple2<>(b, FactorBlock.gaussian(b, d, numItems, k, std, itemBias, modelSeed, 2)));
    }

    SplittableRandom scheduleRng = new SplittableRandom(Seeds.mix(sparkSeed, 0x5157, 0));
    int[][][] schedule = new int[problem.epochs()][][]; // [epoch] -> {colPerm, shifts}
    for (int e = 0; e < problem.epochs(); e++) {
      schedule[e] = new int[][] {permutation(d, scheduleRng), permutation(d, scheduleRng)};
    }

    DoubleAccumulator lossSum = jsc.sc().doubleAccumulator("dsgd loss");
    DoubleAccumulator stepSum = jsc.sc().doubleAccumulator("dsgd steps");
    JavaRDD<FactorBlock[]> previous = null;
    boolean sparkCheckpoints = jsc.getCheckpointDir().isPresent();
    // With our own checkpoints the lineage reaches back to the last one (a few epochs), so a lost
    // executor's blocks can be recomputed; a local checkpoint would make them unrecoverable.
    boolean keepsLineage = checkpoints != null && options.checkpointInterval() > 0;
    List<JavaRDDLike<?, ?>> reloaded = new ArrayList<>();
    long blocksRun = 0;
    for (int e = startEpoch; e < problem.epochs(); e++) {
      final float lr = problem.learningRateAt(e);
      final int epoch = e;
      lossSum.reset();
      stepSum.reset();
      for (int s = 0; s < d; s++) {
        int[] colPerm = schedule[e][0];
        int shift = schedule[e][1][s];
        final int[] owner = new int[d]; // item block -> user block (partition) it meets
        for (int b = 0; b < d; b++) owner[colPerm[(b + shift) % d]] = b;
        final int stratum = s;
        JavaPairRDD<Integer, FactorBlock> routed =
            items.mapToPair(t -> new Tuple2<>(owner[t._1()], t._2())).partitionBy(byBlock);
        JavaRDD<FactorBlock[]> out = ratings
            .zipPartitions(users, (ri, ui) -> Collections.singletonList(new Tuple2<>(ri.next(), ui.next())).iterator())
            .zipPartitions(routed, (left, right) -> {
              Tuple2<LocalRatings, FactorBlock> lu = left.next();
              LocalRatings r = lu._1();
              FactorBlock ub = lu._2().copy();
              FactorBlock ib = right.next()._2().copy();
              SplittableRandom rng = new SplittableRandom(Seeds.mix(modelSeed, (long) epoch * d + stratum, r.partition));
              Kernels kern = VectorOps.kernels();
              int g = ib.block;
              double[] ls = objective.pass(kern, r, r.groupStart[g], r.groupStart[g + 1], ub, ib, lr, rng);
              lossSum.add(ls[0]);
              stepSum.add(ls[1]);
              return Collections.singletonList(new FactorBlock[] {ub, ib}).iterator();
            })
            .persist(options.storageLevel());
        boolean epochEnd = s == d - 1;
        if (epochEnd && !keepsLineage) {
          // Cut the lineage (the user-factor chain is narrow and would grow with every sub-epoch):
          // to reliable storage when the context has a checkpoint directory, else on the executors.
          if (sparkCheckpoints) out.checkpoint();
          else out.rdd().localCheckpoint();
        }
        out.count();
        blocksRun += d;
        if (previous != null) previous.unpersist(false);
        previous = out;
        users = out.map(a -> a[0]);
        items = out.mapToPair(a -> new Tuple2<>(a[1].block, a[1]));
      }
      int done = e + 1;
      if (savesAt(checkpoints, options, done, problem.epochs())) {
        SgdCheckpoints.Loaded saved = checkpoints.save(done, users, items.values());
        // Reading the checkpoint back cuts the lineage: a lost executor recomputes from the files.
        reloaded.forEach(r -> r.rdd().unpersist(false));
        reloaded.clear();
        users = saved.users().mapToPair(b -> new Tuple2<>(b.block, b)).partitionBy(byBlock).values()
            .persist(options.storageLevel());
        items = saved.items().mapToPair(b -> new Tuple2<>(b.block, b)).persist(options.storageLevel());
        reloaded.add(users);
        reloaded.add(items);
      }
      double steps = stepSum.value();
      double meanLoss = steps == 0 ? Double.NaN : lossSum.value() / steps;
      LOG.debug("DSGD epoch {}: mean loss {}", done, meanLoss);
      long now = System.nanoTime();
      JavaRDD<FactorBlock> usersNow = users;
      JavaPairRDD<Integer, FactorBlock> itemsNow = items;
      listener.onRound(new RoundReport(done, done, meanLoss, now - t0 - excluded),
          () -> toModel.apply(Factors.assemble(usersNow.collect(), itemsNow.values().collect(), problem, summary)));
      excluded += System.nanoTime() - now;
      if (!Double.isFinite(meanLoss) && steps > 0) {
        LOG.warn("DSGD {} stopped at epoch {}: non-finite loss", algorithm, done);
        break;
      }
    }
    Factors f = Factors.assemble(users.collect(), items.values().collect(), problem, summary);
    if (previous != null) previous.unpersist(false);
    ratings.unpersist(false);
    reloaded.forEach(r -> r.rdd().unpersist(false));
    return new SgdResult(toModel.apply(f), new SyncStats(blocksRun, 0, 0), startEpoch);
  }

  /** Whether a checkpoint is written after epoch {@code done} (1-based). */
  private static boolean savesAt(SgdCheckpoints checkpoints, SparkTrainingOptions options, int done, int epochs) {
    return checkpoints != null && options.checkpointInterval() > 0
        && (done % options.checkpointInterval() == 0 || done == epochs);
  }

  /** Cuts a chunk into one chunk per user block. */
  static List<Tuple2<Integer, InteractionChunk>> splitByUserBlock(InteractionChunk c, int d) {
    int[] count = new int[d];
    for (int j = 0; j < c.size(); j++) count[c.user(j) % d]++;
    int[][] us = new int[d][];
    int[][] is = new int[d][];
    float[][] vs = new float[d][];
    for (int b = 0; b < d; b++) {
      us[b] = new int[count[b]];
      is[b] = new int[count[b]];
      vs[b] = new float[count[b]];
    }
    int[] at = new int[d];
    for (int j = 0; j < c.size(); j++) {
      int b = c.user(j) % d;
      us[b][at[b]] = c.user(j);
      is[b][at[b]] = c.item(j);
      vs[b][at[b]++] = c.value(j);
    }
    List<Tuple2<Integer, InteractionChunk>> out = new ArrayList<>(d);
    for (int b = 0; b < d; b++) {
      if (count[b] > 0) out.add(new Tuple2<>(b, new InteractionChunk(us[b], is[b], vs[b], null)));
    }
    return out;
  }

  static int[] permutation(int n, SplittableRandom rng) {
    int[] a = new int[n];
    for (int x = 0; x < n; x++) a[x] = x;
    for (int x = n - 1; x > 0; x--) {
      int y = rng.nextInt(x + 1);
      int t = a[x];
      a[x] = a[y];
      a[y] = t;
    }
    return a;
  }
}
