package dev.kindred.train.hybrid;

import dev.kindred.core.IdIndex;
import dev.kindred.core.LatentFactorModel;
import dev.kindred.core.ModelFitException;
import dev.kindred.core.Provenance;
import dev.kindred.core.SideFeatures;
import dev.kindred.math.FactorMatrix;
import java.io.Serializable;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * The shape of one hybrid fit, fixed before training: the config and both sides' feature rows
 * ({@link FeatureRows}: which embedding rows, with which weights, make each user and item). It
 * creates the initial parameters, steps them on a set of training pairs, and turns them into the
 * model; {@link HybridTrainer} uses it on one machine, kindred-spark's distributed hybrid on every
 * partition (it is serializable for that), so both run the same steps and build the same model.
 *
 * <p>Immutable and thread-safe; the {@link LocalSteps} it hands out are not.
 */
public final class HybridLayout implements Serializable {

  private static final long serialVersionUID = 1L;

  final HybridConfig config;
  final FeatureRows userRows;
  final FeatureRows itemRows;

  private HybridLayout(HybridConfig config, FeatureRows userRows, FeatureRows itemRows) {
    this.config = config;
    this.userRows = userRows;
    this.itemRows = itemRows;
  }

  /**
   * The layout of {@code numUsers x numItems} interactions with {@code features} (one row per
   * entity on each side that has them).
   *
   * @throws IllegalArgumentException when a feature matrix has the wrong row count, or when
   *     {@code config} drops identity features and neither side has side features
   */
  public static HybridLayout of(HybridConfig config, int numUsers, int numItems, SideFeatures features) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(features, "features");
    features.checkRows(numUsers, numItems);
    if (!config.identity() && features.users() == null && features.items() == null) {
      throw new IllegalArgumentException("hybrid without identity features needs user or item features");
    }
    // A side without side features always keeps its identity features (else it would have no parameters).
    return new HybridLayout(config,
        FeatureRows.of(numUsers, features.users(), config.identity() || features.users() == null),
        FeatureRows.of(numItems, features.items(), config.identity() || features.items() == null));
  }

  public HybridConfig config() {
    return config;
  }

  /** Users (entities, not features). */
  public int numUsers() {
    return userRows.entities;
  }

  /** Embedding rows of the user side (identity plus side features). */
  public int userFeatures() {
    return userRows.features;
  }

  /** Embedding rows of the item side. */
  public int itemFeatures() {
    return itemRows.features;
  }

  /**
   * The user and item tables initialised from {@code root} (users first, then items): the fit's
   * initial point. {@link HybridTrainer} draws them from the seed's root stream before its epochs.
   */
  EmbeddingTable[] initialTables(SplittableRandom root) {
    return new EmbeddingTable[] {
        new EmbeddingTable(userRows.features, config.factors(), config.schedule(), config.learningRate(),
            config.userAlpha(), root.split()),
        new EmbeddingTable(itemRows.features, config.factors(), config.schedule(), config.learningRate(),
            config.itemAlpha(), root.split())};
  }

  /**
   * The AdaGrad tables a fit with this config's seed starts from, users then items (as
   * {@link HybridTrainer} draws them).
   *
   * @throws IllegalArgumentException for the Adam schedule, whose state is not a {@link HybridTable}
   */
  public HybridTable[] initialAdagradTables() {
    requireAdagrad();
    EmbeddingTable[] t = initialTables(new SplittableRandom(config.seed()));
    return new HybridTable[] {t[0].table(), t[1].table()};
  }

  /**
   * Steps over training pairs given as CSR rows ({@code userPtr} of length {@code numUsers + 1},
   * each row's items sorted: the positives of the negative sampling), updating {@code users} and
   * {@code items} in place.
   */
  public LocalSteps steps(int[] userPtr, int[] itemIdx, HybridTable users, HybridTable items) {
    requireAdagrad();
    if (userPtr.length != userRows.entities + 1) {
      throw new IllegalArgumentException("userPtr has " + userPtr.length + " entries, expected " + (userRows.entities + 1));
    }
    HybridModelState s = new HybridModelState(config, userPtr, itemIdx, userRows, itemRows,
        new EmbeddingTable(users, config.learningRate(), config.userAlpha()),
        new EmbeddingTable(items, config.learningRate(), config.itemAlpha()));
    return new LocalSteps(new PairSteps(s));
  }

  private void requireAdagrad() {
    if (config.schedule() != HybridConfig.Schedule.ADAGRAD) {
      throw new IllegalArgumentException("this hybrid fit supports the adagrad schedule only, got " + config.schedule());
    }
  }

  /** True when the loss steps once per user (k-OS WARP), not once per pair. */
  public boolean perUser() {
    return config.loss() == HybridConfig.Loss.KOS_WARP;
  }

  /**
   * The model of the trained tables: each entity's factors and bias are its features' weighted sum.
   *
   * @throws ModelFitException when a factor is not finite
   */
  public LatentFactorModel model(HybridTable users, HybridTable items, IdIndex userIndex, IdIndex itemIndex,
      Provenance provenance) {
    return model(new EmbeddingTable(users, config.learningRate(), config.userAlpha()),
        new EmbeddingTable(items, config.learningRate(), config.itemAlpha()), userIndex, itemIndex, provenance);
  }

  LatentFactorModel model(EmbeddingTable users, EmbeddingTable items, IdIndex userIndex, IdIndex itemIndex,
      Provenance provenance) {
    int k = config.factors();
    FactorMatrix p = new FactorMatrix(userRows.entities, k);
    FactorMatrix q = new FactorMatrix(itemRows.entities, k);
    float[] bu = new float[userRows.entities];
    float[] bi = new float[itemRows.entities];
    float[] row = new float[k];
    for (int u = 0; u < bu.length; u++) {
      bu[u] = users.repr(userRows, u, row);
      p.setRow(u, row, 0);
    }
    for (int i = 0; i < bi.length; i++) {
      bi[i] = items.repr(itemRows, i, row);
      q.setRow(i, row, 0);
    }
    if (!p.allFinite() || !q.allFinite()) {
      throw new ModelFitException("hybrid diverged (non-finite factors); lower --learning-rate");
    }
    return new LatentFactorModel(provenance, userIndex, itemIndex, 0f, bu, bi, p, q);
  }

  /** One worker's steps on shared tables (see {@link HybridTrainer} for the losses). Not thread-safe. */
  public static final class LocalSteps {

    private final PairSteps steps;

    private LocalSteps(PairSteps steps) {
      this.steps = steps;
    }

    /** Starts a pass: the random stream of its draws, and zero loss and step counts. */
    public void start(SplittableRandom rng) {
      steps.startEpoch(rng);
    }

    /** One pair {@code (u, i)}; under k-OS WARP one step of user {@code u} ({@code i} ignored). */
    public void step(int u, int i) {
      steps.step(u, i);
    }

    /** Summed loss since {@link #start}. */
    public double loss() {
      return steps.loss;
    }

    /** Steps since {@link #start}. */
    public long count() {
      return steps.steps;
    }
  }
}
