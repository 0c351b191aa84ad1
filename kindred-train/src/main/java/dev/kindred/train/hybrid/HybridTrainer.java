package dev.kindred.train.hybrid;

import dev.kindred.core.EmbeddingSumEncoder;
import dev.kindred.core.FeatureTrainer;
import dev.kindred.core.Interactions;
import dev.kindred.core.LatentFactorModel;
import dev.kindred.core.ProgressListener;
import dev.kindred.core.ProgressListener.EpochReport;
import dev.kindred.core.Provenance;
import dev.kindred.core.SideFeatures;
import dev.kindred.math.Shuffles;
import dev.kindred.math.WorkerPool;
import java.util.Objects;
import java.util.SplittableRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hybrid matrix factorisation: users and items are sums of the embeddings of their features,
 * trained for ranking by WARP, k-OS WARP, BPR or a logistic loss. Without side features it is
 * plain matrix factorisation with that loss.
 *
 * <p>Paper: Kula, "Metadata Embeddings for User and Item Cold-start Recommendations", CBRecSys
 * 2015, arXiv:1507.08439 (the model of LightFM). With {@code f_u} the user's features and
 * {@code f_i} the item's, {@code q_u = sum_{j in f_u} w_j e^U_j}, {@code b_u = sum w_j b^U_j},
 * {@code p_i = sum_{j in f_i} w_j e^I_j}, {@code b_i = sum w_j b^I_j} and the score is
 * {@code q_u . p_i + b_u + b_i}. Symbols: {@code d} = {@link HybridConfig#factors}; the feature
 * weights {@code w_j} come from kindred-data's {@code FeatureSpace} plus the identity feature
 * ({@link FeatureRows}); {@code alpha} of LightFM's schedule = {@code learningRate}. Losses:
 * WARP (Weston, Bengio, Usunier, "WSABIE: Scaling Up To Large Vocabulary Image Annotation", IJCAI
 * 2011): per positive, uniform items are drawn until one violates the margin
 * ({@code score_j > score_i - 1}), at most {@code maxSampled}; the hinge is weighted by
 * {@code ln floor((items - 1) / draws)}; k-OS WARP (Weston, Yee, Weiss, RecSys 2013,
 * doi:10.1145/2507157.2507210) uses the {@code kosK}-th best of {@code kosN} drawn positives; BPR
 * (Rendle et al. 2009, arXiv:1205.2618); logistic on the positive and one negative. Steps are
 * AdaGrad (Duchi et al. 2011; LightFM's default, accumulators from 1) or Adam (Kingma and Ba,
 * arXiv:1412.6980) per parameter, through kindred-math's {@code OptimizerKernels}.
 *
 * <p>Departures from LightFM:
 * <ol>
 *   <li>L2 ({@code userAlpha}, {@code itemAlpha}) decays the rows a step touches by
 *       {@code 1 - lr * alpha}; LightFM rescales all rows lazily by the average step.
 *   <li>The logistic loss draws one uniform negative per positive (LightFM's uses the sign of the
 *       interaction value and so needs explicit negatives); BPR and logistic redraw a negative
 *       that is a positive up to 32 times, then skip the pair.
 *   <li>Adam here has no bias correction and moves only the touched rows (lazy).
 *   <li>Negatives (all losses) are drawn among the items with at least one training pair, and the
 *       WARP rank estimate counts those items. LightFM draws among all rows of its item-feature
 *       matrix, so an item known only by its features (a new item, or the held-out items of a
 *       cold-start split) is drawn as a negative and never as a positive: its features, and every
 *       warm item sharing them, are pushed down for being new. On ML-100K cold items LightFM's rule
 *       costs 10-20% of Recall@20 (docs/benchmarks.md, "Cold-start items and users, round 2").
 * </ol>
 *
 * <p>The trained model is a {@link LatentFactorModel} whose user and item factors are the
 * feature sums and whose biases are the summed biases (global mean 0), so every consumer
 * (evaluate, recommend, serve, ANN) uses it unchanged. An entity with no training interactions
 * but side features (cold start) gets its vector from its features; its identity embedding keeps
 * its small random initial value.
 *
 * <p>Parallelism is Hogwild (Niu et al., arXiv:1106.5730): each epoch the pairs (k-OS WARP: the
 * users) are shuffled and cut into {@code threads} contiguous chunks; workers update the shared
 * tables without locks. Reproducibility: the shuffle and each worker's stream come from the seed
 * in a fixed order, so with {@code threads == 1} a seed gives the same model bit for bit; with
 * more threads the interleaving depends on timing (equal quality within noise, not bitwise).
 *
 * <p>Cost per epoch: WARP touches per pair the features of the user, the positive and, per
 * draw, the drawn item: {@code O(d (|f_u| + |f_i|) + draws (d + d |f_j|))} flops, plus
 * {@code O(d (|f_u| + |f_i| + |f_j|))} for the AdaGrad step of a violating pair; an entity with one
 * feature of weight 1 is scored in place. Memory: {@code 8 d} bytes per feature row (embedding and
 * AdaGrad state; Adam 12 d) plus {@code 8} per pair for the shuffle, and one bit per (user, item)
 * for the positives test when that is at most 1 MiB (else a binary search of the user's row).
 * Thread safety: the trainer is immutable; each fit creates and closes its own {@link WorkerPool}.
 */
public final class HybridTrainer implements FeatureTrainer<LatentFactorModel> {

  public static final String NAME = "hybrid";
  private static final Logger LOG = LoggerFactory.getLogger(HybridTrainer.class);

  private final HybridConfig config;

  public HybridTrainer(HybridConfig config) {
    this.config = Objects.requireNonNull(config, "config");
  }

  public HybridConfig config() {
    return config;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public LatentFactorModel fit(Interactions train, Interactions validation, SideFeatures features,
      ProgressListener listener) {
    return fitWithEncoders(train, validation, features, listener).model();
  }

  /** The model and, per side with side features, the sum of its feature embeddings as encoder. */
  @Override
  public Fit<LatentFactorModel> fitWithEncoders(Interactions train, Interactions validation, SideFeatures features,
      ProgressListener listener) {
    Objects.requireNonNull(train, "train");
    HybridLayout layout = HybridLayout.of(config, train.numUsers(), train.numItems(), features);
    long t0 = System.nanoTime();
    SplittableRandom root = new SplittableRandom(config.seed());
    EmbeddingTable[] tables = layout.initialTables(root);
    HybridModelState state = new HybridModelState(config, train.userPtr(), train.itemIdx(), layout.userRows,
        layout.itemRows, tables[0], tables[1]);
    LOG.info("hybrid {}: {} users x {} items, {} pairs; {} user and {} item feature rows, {} threads",
        config.toMap().get("loss"), train.numUsers(), train.numItems(), train.size(), layout.userFeatures(),
        layout.itemFeatures(), config.threads());
    runEpochs(state, train, root, listener, t0);
    Provenance prov = Provenance.of(NAME, config.toMap(), train, config.seed(), config.threads(),
        (System.nanoTime() - t0) / 1e9);
    LatentFactorModel model = layout.model(state.users, state.items, train.userIndex(), train.itemIndex(), prov);
    return new Fit<>(model, encoder(state.users, layout.userRows, features.users()),
        encoder(state.items, layout.itemRows, features.items()));
  }

  /** The side features' rows of {@code table} (after the identity rows, when there are any), or null without side features. */
  private static EmbeddingSumEncoder encoder(EmbeddingTable table, FeatureRows rows, dev.kindred.math.CsrMatrix side) {
    if (side == null) return null;
    int base = rows.features - side.cols();
    int k = table.k;
    return new EmbeddingSumEncoder(k, side.cols(), base > 0,
        java.util.Arrays.copyOfRange(table.emb, base * k, rows.features * k),
        java.util.Arrays.copyOfRange(table.bias, base, rows.features));
  }

  private void runEpochs(HybridModelState state, Interactions train, SplittableRandom root, ProgressListener listener,
      long t0) {
    boolean perUser = config.loss() == HybridConfig.Loss.KOS_WARP;
    int[] order = perUser ? activeUsers(train) : Shuffles.identity(train.size());
    int[] userOf = perUser ? null : userOfPair(train);
    int threads = config.threads();
    PairSteps[] workers = new PairSteps[threads];
    for (int t = 0; t < threads; t++) workers[t] = new PairSteps(state);
    int[] itemIdx = train.itemIdx();
    try (WorkerPool pool = WorkerPool.create(threads, "kindred-hybrid")) {
      for (int e = 1; e <= config.epochs(); e++) {
        long start = System.nanoTime();
        SplittableRandom epochRng = root.split();
        Shuffles.shuffle(order, epochRng);
        for (PairSteps w : workers) w.startEpoch(epochRng.split());
        pool.compute(threads, t -> {
          PairSteps w = workers[t];
          int from = (int) ((long) order.length * t / threads);
          int to = (int) ((long) order.length * (t + 1) / threads);
          for (int p = from; p < to; p++) {
            int x = order[p];
            if (perUser) w.step(x, -1);
            else w.step(userOf[x], itemIdx[x]);
          }
        });
        double loss = 0;
        long steps = 0;
        for (PairSteps w : workers) {
          loss += w.loss;
          steps += w.steps;
        }
        long now = System.nanoTime();
        double mean = steps == 0 ? Double.NaN : loss / steps;
        LOG.debug("hybrid epoch {}/{}: {} s, mean loss {}", e, config.epochs(), (now - start) / 1e9, mean);
        listener.onEpoch(new EpochReport(e, config.epochs(), mean, Double.NaN, now - start, now - t0));
      }
    }
  }

  private static int[] activeUsers(Interactions train) {
    int n = 0;
    for (int u = 0; u < train.numUsers(); u++) if (train.userDegree(u) > 0) n++;
    int[] out = new int[n];
    n = 0;
    for (int u = 0; u < train.numUsers(); u++) if (train.userDegree(u) > 0) out[n++] = u;
    return out;
  }

  private static int[] userOfPair(Interactions train) {
    int[] ptr = train.userPtr();
    int[] out = new int[train.size()];
    for (int u = 0; u < train.numUsers(); u++) {
      for (int j = ptr[u]; j < ptr[u + 1]; j++) out[j] = u;
    }
    return out;
  }
}
