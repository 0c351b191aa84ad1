package dev.kindred.train.tower;

import dev.kindred.core.EntityEncoder;
import dev.kindred.core.FeatureCodec;
import dev.kindred.core.FeatureTrainer;
import dev.kindred.core.FoldInRule;
import dev.kindred.core.Interactions;
import dev.kindred.core.LatentFactorModel;
import dev.kindred.core.ModelFitException;
import dev.kindred.core.ProgressListener;
import dev.kindred.core.ProgressListener.EpochReport;
import dev.kindred.core.Provenance;
import dev.kindred.core.SideFeatures;
import dev.kindred.math.FactorMatrix;
import dev.kindred.math.MatrixProduct;
import dev.kindred.math.Shuffles;
import dev.kindred.math.WorkerPool;
import dev.kindred.train.nn.InBatchSoftmax;
import java.util.Objects;
import java.util.SplittableRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Two-tower retrieval network: a user tower and an item tower, each an id embedding and a bag of
 * side-feature embeddings concatenated into a multi-layer perceptron ({@link Tower}), trained with
 * the in-batch sampled softmax with log-Q correction and optional mixed uniform negatives
 * ({@link InBatchSoftmax}) by Adam.
 *
 * <p>Papers: Yi et al., "Sampling-Bias-Corrected Neural Modeling for Large Corpus Item
 * Recommendations", RecSys 2019, doi:10.1145/3298689.3346996 (the towers, the in-batch softmax and
 * its log-Q correction, the normalised outputs with temperature); Yang et al., "Mixed Negative
 * Sampling for Learning Two-tower Neural Networks in Recommendations", WWW 2020,
 * doi:10.1145/3366424.3386195 (uniform negatives shared by the batch); Volkovs, Yu, Poutanen,
 * "DropoutNet: Addressing Cold Start in Recommender Systems", NeurIPS 2017 (id dropout, optional);
 * Kingma and Ba, Adam, arXiv:1412.6980. Symbols: the paper's query tower {@code u(x)} is the user tower, the item tower
 * {@code v(y)}; its embedding dimension {@code k} is {@link TwoTowerConfig#factors}; {@code tau} is
 * {@code temperature}; the batch size {@code B} is {@code batchSize}; the {@code B'} extra negatives
 * of Yang et al. are {@code negatives}.
 *
 * <p>Departures: the item frequencies of the log-Q correction are exact counts over the training
 * pairs rather than Yi et al.'s streaming estimate; the correction uses the expected count under the
 * mixed sampling (see {@link InBatchSoftmax}); uniform negatives are drawn from items with
 * training interactions only (a held-out cold item is never pushed down as a negative); all of a
 * side's features form one embedding bag (weights from {@code FeatureSpace}) rather than one bag per
 * field; the optimiser is lazy Adam on embedding rows ({@code nn.Optimizer#stepRows}).
 *
 * <p>The trained model is a {@link LatentFactorModel}: the item tower's outputs for every item are
 * the item factors and the user tower's for every user the user factors (no biases), so evaluate,
 * recommend, serve and explanations use it unchanged. An entity without training interactions
 * gets its vector from its side features alone; {@link #fitWithEncoders} also returns each tower
 * with side features as an {@link EntityEncoder} for entities unknown at training time. A user known only by a history is
 * folded in by the implicit ALS user step against the item factors (a departure: the user tower
 * has no input for a history).
 *
 * <p>Parallelism and reproducibility: batches run one after another; within a batch the dense
 * layers, logits and their gradients are blocked matrix products over the call's
 * {@link WorkerPool}, and the input gathering and softmax rows are split over its workers. Each
 * entry of a product is summed by one worker in a fixed order, so a seed gives the same model
 * for any thread count (the test checks {@code threads == 1}). Cost per step with input width
 * {@code w_0}, layer widths {@code w_l}, {@code B} rows and {@code m} negatives: {@code
 * 6 (2B + m) sum_l w_{l-1} w_l} flops in the towers and {@code 6 B (B + m) k} in the loss. Memory:
 * the tables and Adam's two moments ({@code 12} bytes per parameter) and {@code O((B + m) max w_l)}
 * floats of activations per tower. The trainer is immutable; each fit creates and closes its pool.
 */
public final class TwoTowerTrainer implements FeatureTrainer<LatentFactorModel> {

  public static final String NAME = "two-tower";
  private static final Logger LOG = LoggerFactory.getLogger(TwoTowerTrainer.class);
  /**
   * A user known only by interactions (no id embedding, no features) is folded in by the implicit
   * ALS user step against the item tower's outputs: the vector whose dot products best fit the
   * history, with confidence {@code 1 + value} on its items and ridge {@code lambda = 1}.
   */
  private static final FoldInRule FOLD_IN = new FoldInRule.Ridge(1f, true, 1f, false);

  private final TwoTowerConfig config;

  public TwoTowerTrainer(TwoTowerConfig config) {
    this.config = Objects.requireNonNull(config, "config");
  }

  public TwoTowerConfig config() {
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

  /**
   * Fits the towers and returns the factor model with, per side with side features, its tower as
   * the encoder of new entities (null for a side without features).
   */
  @Override
  public Fit<LatentFactorModel> fitWithEncoders(Interactions train, Interactions validation, SideFeatures features,
      ProgressListener listener) {
    Objects.requireNonNull(train, "train");
    Objects.requireNonNull(features, "features");
    features.checkRows(train);
    if (train.size() < 2) throw new IllegalArgumentException("two-tower needs at least 2 training pairs");
    long t0 = System.nanoTime();
    SplittableRandom root = new SplittableRandom(config.seed());
    int[] itemDegree = new int[train.numItems()];
    int[] userDegree = new int[train.numUsers()];
    for (int u = 0; u < userDegree.length; u++) userDegree[u] = train.userDegree(u);
    for (int i : train.itemIdx()) itemDegree[i]++;
    Tower users = new Tower(train.numUsers(), features.users(), userDegree, config, root.split());
    Tower items = new Tower(train.numItems(), features.items(), itemDegree, config, root.split());
    LOG.info("two-tower: {} users x {} items, {} pairs; input {} + {} side features, layers {} -> {}, {} threads",
        train.numUsers(), train.numItems(), train.size(), users.sideFeatures(), items.sideFeatures(),
        config.hiddenText(), config.factors(), config.threads());
    try (WorkerPool pool = WorkerPool.create(config.threads(), "kindred-two-tower")) {
      MatrixProduct product = new MatrixProduct(pool);
      new Epochs(train, itemDegree, users, items, product, pool).run(root, listener, t0);
      int rows = Math.max(config.batchSize(), 256);
      FactorMatrix p = users.outputs(product, pool, train.numUsers(), rows);
      FactorMatrix q = items.outputs(product, pool, train.numItems(), rows);
      if (!p.allFinite() || !q.allFinite()) {
        throw new ModelFitException("two-tower diverged (non-finite factors); lower --learning-rate");
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      Provenance prov = Provenance.of(NAME, config.toMap(), train, config.seed(), config.threads(), seconds);
      LatentFactorModel model = new LatentFactorModel(prov, train.userIndex(), train.itemIndex(), 0f,
          new float[train.numUsers()], new float[train.numItems()], p, q, Float.NEGATIVE_INFINITY,
          Float.POSITIVE_INFINITY, FOLD_IN);
      return new Fit<>(model, users.sideFeatures() == 0 ? null : new TowerEncoder(users),
          items.sideFeatures() == 0 ? null : new TowerEncoder(items));
    }
  }

  /** The mini-batch loop of one fit. */
  private final class Epochs {
    private final Interactions train;
    private final Tower users;
    private final Tower items;
    private final MatrixProduct product;
    private final WorkerPool pool;
    private final InBatchSoftmax loss;
    private final float[] logQ;
    private final int[] warmItems;
    private final int[] userOf;

    Epochs(Interactions train, int[] itemDegree, Tower users, Tower items, MatrixProduct product, WorkerPool pool) {
      this.train = train;
      this.users = users;
      this.items = items;
      this.product = product;
      this.pool = pool;
      this.loss = new InBatchSoftmax(config.factors(), config.temperature(), pool);
      int warm = 0;
      for (int d : itemDegree) if (d > 0) warm++;
      warmItems = new int[warm];
      warm = 0;
      for (int i = 0; i < itemDegree.length; i++) if (itemDegree[i] > 0) warmItems[warm++] = i;
      int batch = Math.min(config.batchSize(), train.size());
      logQ = new float[itemDegree.length];
      for (int i = 0; i < itemDegree.length; i++) {
        logQ[i] = InBatchSoftmax.logExpectedCount(itemDegree[i], train.size(), batch, config.negatives(), warm);
      }
      userOf = new int[train.size()];
      int[] ptr = train.userPtr();
      for (int u = 0; u < train.numUsers(); u++) {
        for (int j = ptr[u]; j < ptr[u + 1]; j++) userOf[j] = u;
      }
    }

    void run(SplittableRandom root, ProgressListener listener, long t0) {
      int[] order = Shuffles.identity(train.size());
      int b = config.batchSize();
      int m = config.negatives();
      int[] batchUsers = new int[b];
      int[] candidates = new int[b + m];
      boolean[] dropUser = new boolean[b];
      boolean[] dropItem = new boolean[b + m];
      float[] gradU = new float[b * config.factors()];
      float[] gradV = new float[(b + m) * config.factors()];
      int[] itemIdx = train.itemIdx();
      for (int e = 1; e <= config.epochs(); e++) {
        long start = System.nanoTime();
        SplittableRandom rng = root.split();
        Shuffles.shuffle(order, rng);
        double sum = 0;
        int steps = 0;
        // A last batch too small for in-batch negatives is left for the next epoch's shuffle.
        for (int from = 0; from + 1 < order.length; from += b) {
          int n = Math.min(b, order.length - from);
          for (int r = 0; r < n; r++) {
            batchUsers[r] = userOf[order[from + r]];
            candidates[r] = itemIdx[order[from + r]];
          }
          for (int s = 0; s < m; s++) candidates[n + s] = warmItems[rng.nextInt(warmItems.length)];
          if (config.idDropout() > 0) {
            for (int r = 0; r < n; r++) dropUser[r] = rng.nextDouble() < config.idDropout();
            for (int r = 0; r < n + m; r++) dropItem[r] = rng.nextDouble() < config.idDropout();
          }
          sum += step(batchUsers, candidates, dropUser, dropItem, n, n + m, gradU, gradV);
          steps++;
        }
        long now = System.nanoTime();
        double mean = sum / steps;
        if (!Double.isFinite(mean)) {
          throw new ModelFitException("two-tower diverged in epoch " + e + " (loss " + mean
              + "); lower --learning-rate");
        }
        LOG.debug("two-tower epoch {}/{}: {} s, mean loss {}", e, config.epochs(), (now - start) / 1e9, mean);
        listener.onEpoch(new EpochReport(e, config.epochs(), mean, Double.NaN, now - start, now - t0));
      }
    }

    /**
     * One optimiser step on a batch of {@code n} pairs and {@code c - n} extra negatives, with the
     * rows' id dropout flags; returns its loss.
     */
    double step(int[] batchUsers, int[] candidates, boolean[] dropUser, boolean[] dropItem, int n, int c,
        float[] gradU, float[] gradV) {
      float[] yu = users.forward(product, pool, batchUsers, dropUser, n);
      float[] yv = items.forward(product, pool, candidates, dropItem, c);
      double value = loss.lossAndGradient(yu, yv, n, c, candidates, config.logQ() ? logQ : null, gradU, gradV);
      value += users.backward(product, gradU, n, config.l2());
      value += items.backward(product, gradV, c, config.l2());
      users.step(pool);
      items.step(pool);
      return value;
    }
  }

  /** A trained tower as an {@link EntityEncoder}; {@link Tower#encode} allocates per call. */
  private record TowerEncoder(Tower tower) implements EntityEncoder {

    @Override
    public int dim() {
      return tower.factors();
    }

    @Override
    public int features() {
      return tower.sideFeatures();
    }

    @Override
    public float encode(FeatureCodec.Row row, float[] out) {
      if (out.length < dim()) throw new IllegalArgumentException("out has " + out.length + " < " + dim() + " floats");
      tower.encode(row.indices(), row.weights(), row.size(), out);
      return 0f;
    }
  }
}
