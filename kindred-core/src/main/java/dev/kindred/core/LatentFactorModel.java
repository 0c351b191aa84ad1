package dev.kindred.core;

import dev.kindred.math.FactorMatrix;
import dev.kindred.math.FactorStore;
import dev.kindred.math.MappedFactors;
import java.util.Objects;

/**
 * A model that scores by {@code mu + b_u + b_i + p_u . q_i}: biased matrix factorisation, and with
 * zero biases and mean the ALS / BPR family. Immutable once built (the factor matrices must not be
 * modified after construction); thread-safe.
 *
 * <p>Factors are read through {@link FactorStore}: trainers build on-heap {@link FactorMatrix}es; a
 * model read from a version 2 file keeps them in the file's mapping ({@link MappedFactors}, fp32,
 * bf16 or fp16), and scoring ({@link #score}, {@link FactorRecommender}) reads either without a
 * copy. {@link #userFactors()} / {@link #itemFactors()} give on-heap fp32 matrices for code that
 * needs arrays (trainers warm-starting, fold-in): for a mapped model that is a copy made on first
 * call and kept.
 *
 * <p>Invariants: {@code userFactors.rows() == userIndex.size()},
 * {@code itemFactors.rows() == itemIndex.size()}, both of the same dimension; bias arrays, when
 * present, have one entry per user / item; every parameter is finite.
 */
public final class LatentFactorModel implements Model {

  public static final String KIND = "latent-factor";

  private final Provenance provenance;
  private final IdIndex users;
  private final IdIndex items;
  private final float globalMean;
  private final float[] userBias; // null when the model has no biases
  private final float[] itemBias;
  private final FactorStore userFactors;
  private final FactorStore itemFactors;
  private volatile FactorMatrix userHeap; // on-heap copies of mapped factors, made on demand
  private volatile FactorMatrix itemHeap;
  private final float scoreMin;
  private final float scoreMax;
  private final FoldInRule foldIn;

  /** A model whose {@link #score} is not clipped. */
  public LatentFactorModel(Provenance provenance, IdIndex users, IdIndex items, float globalMean,
      float[] userBias, float[] itemBias, FactorStore userFactors, FactorStore itemFactors) {
    this(provenance, users, items, globalMean, userBias, itemBias, userFactors, itemFactors,
        Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, FoldInRule.NONE);
  }

  /** A model with a score clip range and no fold-in rule. */
  public LatentFactorModel(Provenance provenance, IdIndex users, IdIndex items, float globalMean,
      float[] userBias, float[] itemBias, FactorStore userFactors, FactorStore itemFactors, float scoreMin,
      float scoreMax) {
    this(provenance, users, items, globalMean, userBias, itemBias, userFactors, itemFactors, scoreMin, scoreMax,
        FoldInRule.NONE);
  }

  /**
   * A model whose {@link #score} is clipped to {@code [scoreMin, scoreMax]}: explicit-rating models
   * clip predictions to the rating scale seen in training (pass infinities for no clipping).
   * Ranking ({@link FactorRecommender}) uses the unclipped scores, so clipping never creates ties.
   */
  public LatentFactorModel(Provenance provenance, IdIndex users, IdIndex items, float globalMean,
      float[] userBias, float[] itemBias, FactorStore userFactors, FactorStore itemFactors, float scoreMin,
      float scoreMax, FoldInRule foldIn) {
    this.foldIn = Objects.requireNonNull(foldIn, "foldIn");
    if (!(scoreMin <= scoreMax)) {
      throw new IllegalArgumentException("scoreMin " + scoreMin + " > scoreMax " + scoreMax);
    }
    this.scoreMin = scoreMin;
    this.scoreMax = scoreMax;
    this.provenance = Objects.requireNonNull(provenance, "provenance");
    this.users = Objects.requireNonNull(users, "users");
    this.items = Objects.requireNonNull(items, "items");
    this.globalMean = globalMean;
    this.userBias = userBias;
    this.itemBias = itemBias;
    this.userFactors = Objects.requireNonNull(userFactors, "userFactors");
    this.itemFactors = Objects.requireNonNull(itemFactors, "itemFactors");
    if (userFactors.rows() != users.size() || itemFactors.rows() != items.size()) {
      throw new IllegalArgumentException("factor rows " + userFactors.rows() + " x " + itemFactors.rows()
          + " do not match id indices " + users.size() + " x " + items.size());
    }
    if (userFactors.dim() != itemFactors.dim()) {
      throw new IllegalArgumentException("user dim " + userFactors.dim() + " != item dim " + itemFactors.dim());
    }
    if (foldIn instanceof FoldInRule.Propagation(FactorMatrix basis)
        && (basis.rows() != itemFactors.rows() || basis.dim() != itemFactors.dim())) {
      throw new IllegalArgumentException("fold-in item basis " + basis.rows() + " x " + basis.dim()
          + " does not match the item factors " + itemFactors.rows() + " x " + itemFactors.dim());
    }
    if ((userBias == null) != (itemBias == null)) {
      throw new IllegalArgumentException("user and item biases must both be present or both absent");
    }
    if (userBias != null && (userBias.length != users.size() || itemBias.length != items.size())) {
      throw new IllegalArgumentException("bias lengths do not match id indices");
    }
    if (!Float.isFinite(globalMean) || !checkedFinite(userFactors) || !checkedFinite(itemFactors)
        || !allFinite(userBias) || !allFinite(itemBias)) {
      throw new ModelFitException("non-finite parameters in " + provenance.algorithm()
          + " model: the fit diverged (try a lower learning rate or more regularisation)");
    }
  }

  /** Mapped factors were checked by {@link ModelFile} as it opened them; a second pass would double the open time. */
  private static boolean checkedFinite(FactorStore f) {
    return f instanceof MappedFactors || f.allFinite();
  }

  private static boolean allFinite(float[] a) {
    if (a != null) {
      for (float v : a) if (!Float.isFinite(v)) return false;
    }
    return true;
  }

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public Provenance provenance() {
    return provenance;
  }

  @Override
  public IdIndex userIndex() {
    return users;
  }

  @Override
  public IdIndex itemIndex() {
    return items;
  }

  public int dim() {
    return userFactors.dim();
  }

  public float globalMean() {
    return globalMean;
  }

  public boolean hasBiases() {
    return userBias != null;
  }

  /** User bias, or 0 without biases. */
  public float userBias(int u) {
    return userBias == null ? 0f : userBias[u];
  }

  /** Item bias, or 0 without biases. */
  public float itemBias(int i) {
    return itemBias == null ? 0f : itemBias[i];
  }

  /** Shared; do not modify. Null without biases. */
  public float[] userBiases() {
    return userBias;
  }

  /** Shared; do not modify. Null without biases. */
  public float[] itemBiases() {
    return itemBias;
  }

  /** The user factors as stored (on heap, or mapped from the model file). */
  public FactorStore userStore() {
    return userFactors;
  }

  /** The item factors as stored (on heap, or mapped from the model file). */
  public FactorStore itemStore() {
    return itemFactors;
  }

  /**
   * The user factors on the heap in fp32. Shared; do not modify. For a mapped model this copies
   * every user row on first call ({@code users * dim * 4} bytes of heap): scoring code reads
   * {@link #userStore()} instead.
   */
  public FactorMatrix userFactors() {
    FactorMatrix m = userHeap;
    if (m == null) {
      m = userFactors.toHeap();
      userHeap = m;
    }
    return m;
  }

  /** The item factors on the heap in fp32, as {@link #userFactors()}. Shared; do not modify. */
  public FactorMatrix itemFactors() {
    FactorMatrix m = itemHeap;
    if (m == null) {
      m = itemFactors.toHeap();
      itemHeap = m;
    }
    return m;
  }

  /** How users are folded in from their interactions. */
  public FoldInRule foldInRule() {
    return foldIn;
  }

  /** Lower clip of {@link #score}, or negative infinity. */
  public float scoreMin() {
    return scoreMin;
  }

  /** Upper clip of {@link #score}, or positive infinity. */
  public float scoreMax() {
    return scoreMax;
  }

  /** {@code mu + b_u + b_i + p_u . q_i}, clipped to {@code [scoreMin, scoreMax]}. */
  @Override
  public float score(int user, int item) {
    float dot = userFactors instanceof FactorMatrix p
        ? itemFactors.dot(item, p.page(user), p.offset(user))
        : itemFactors.dot(item, userFactors.row(user), 0);
    return clip(globalMean + userBias(user) + itemBias(item) + dot);
  }

  /** The clipped score of an item for a user vector that is not in the model (fold-in, cold start). */
  public float score(float[] userVector, float userBiasValue, int item) {
    return clip(globalMean + userBiasValue + itemBias(item)
        + itemFactors.dot(item, userVector, 0));
  }

  private float clip(float s) {
    return Math.min(scoreMax, Math.max(scoreMin, s));
  }

  /** File codec: see {@link ModelFile} for the body layout. */
  static final class Codec implements ModelCodec<LatentFactorModel> {
    @Override
    public String kind() {
      return KIND;
    }

    @Override
    public Class<LatentFactorModel> type() {
      return LatentFactorModel.class;
    }

    @Override
    public void write(LatentFactorModel m, ModelFile.Output out) throws java.io.IOException {
      out.index(m.userIndex());
      out.index(m.itemIndex());
      out.f32(m.globalMean());
      out.f32(m.scoreMin());
      out.f32(m.scoreMax());
      switch (m.foldInRule()) {
        case FoldInRule.None n -> out.i32(0);
        case FoldInRule.Ridge r -> {
          out.i32(1);
          out.f32(r.lambda());
          out.i32(r.implicit() ? 1 : 0);
          out.f32(r.alpha());
          out.i32(r.weightedLambda() ? 1 : 0);
        }
        case FoldInRule.Sgd g -> {
          out.i32(2);
          out.f32(g.learningRate());
          out.f32(g.regularization());
          out.i32(g.epochs());
          out.i32(g.pairwise() ? 1 : 0);
          out.i64(g.seed());
        }
        case FoldInRule.Propagation g -> {
          out.i32(3);
          out.matrix(g.itemBasis());
        }
      }
      out.i32(m.hasBiases() ? 1 : 0);
      if (m.hasBiases()) {
        out.floats(m.userBiases());
        out.floats(m.itemBiases());
      }
      out.factors("user-factors", m.userStore());
      out.factors("item-factors", m.itemStore());
    }

    @Override
    public LatentFactorModel read(Provenance p, ModelFile.Input in) {
      IdIndex users = in.index();
      IdIndex items = in.index();
      float mean = in.f32();
      float scoreMin = in.f32();
      float scoreMax = in.f32();
      int rule = in.i32();
      FoldInRule foldIn = switch (rule) {
        case 0 -> FoldInRule.NONE;
        case 1 -> new FoldInRule.Ridge(in.f32(), in.i32() == 1, in.f32(), in.i32() == 1);
        case 2 -> new FoldInRule.Sgd(in.f32(), in.f32(), in.i32(), in.i32() == 1, in.i64());
        case 3 -> new FoldInRule.Propagation(in.matrix());
        default -> throw in.malformed("unknown fold-in rule " + rule);
      };
      boolean biases = in.i32() == 1;
      float[] ub = biases ? in.floats() : null;
      float[] ib = biases ? in.floats() : null;
      FactorStore pu = in.factors("user-factors");
      FactorStore qi = in.factors("item-factors");
      return new LatentFactorModel(p, users, items, mean, ub, ib, pu, qi, scoreMin, scoreMax, foldIn);
    }
  }
}
