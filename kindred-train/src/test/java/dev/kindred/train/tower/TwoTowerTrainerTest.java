package dev.kindred.train.tower;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.kindred.core.EntityEncoder;
import dev.kindred.core.FeatureCodec;
import dev.kindred.core.FeatureTrainer;
import dev.kindred.core.Interactions;
import dev.kindred.core.LatentFactorModel;
import dev.kindred.core.ProgressListener;
import dev.kindred.core.Recommenders;
import dev.kindred.data.Split;
import dev.kindred.eval.EvalOptions;
import dev.kindred.eval.Evaluator;
import dev.kindred.math.CsrMatrix;
import dev.kindred.math.MatrixProduct;
import dev.kindred.math.WorkerPool;
import dev.kindred.train.baseline.PopularityConfig;
import dev.kindred.train.baseline.PopularityTrainer;
import dev.kindred.train.hybrid.HybridTrainerTest;
import dev.kindred.train.nn.GradientCheck;
import dev.kindred.train.nn.InBatchSoftmax;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The two-tower network: the towers' gradient against finite differences, the log-Q correction on
 * a hand example, learning planted taste groups, reproducibility, and cold items from their features.
 */
class TwoTowerTrainerTest {

  static final int GROUPS = HybridTrainerTest.GROUPS;
  static Interactions train;
  static Interactions test;

  /** HybridTrainerTest's planted taste groups. */
  @BeforeAll
  static void data() {
    Split s = HybridTrainerTest.plantedGroups();
    train = s.train();
    test = s.test();
  }

  static TwoTowerConfig small() {
    return TwoTowerConfig.DEFAULTS.withFactors(16).withEmbeddingDim(16).withHidden(List.of(32)).withEpochs(8)
        .withBatchSize(128).withNegatives(64).withLearningRate(0.01f).withThreads(1).withSeed(5);
  }

  static double ndcg(dev.kindred.core.Model m) {
    return Evaluator.rankingMetrics(Recommenders.of(m), train, test, new int[] {10},
        EvalOptions.defaults().withThreads(1)).get("ndcg@10");
  }

  // --- gradient --------------------------------------------------------------------------------

  /**
   * The analytic gradient of one batch's loss (softmax with log-Q, an accidental hit, an extra
   * negative, L2 penalty) with respect to every parameter of both towers (id tables, feature
   * tables, dense layers, through the normalisation) against central differences, with
   * {@link GradientCheck}'s tolerance (2e-3 absolute + 1% relative, for float losses of magnitude 1).
   */
  @Test
  void towerGradientsMatchFiniteDifferences() {
    // 3 users (user 2 without interactions: zero id part), 4 items; features on both sides.
    CsrMatrix userF = new CsrMatrix(3, 2, new int[] {0, 1, 3, 4}, new int[] {0, 0, 1, 1},
        new float[] {1f, 0.5f, 0.5f, 1f});
    CsrMatrix itemF = new CsrMatrix(4, 3, new int[] {0, 2, 3, 4, 6}, new int[] {0, 2, 1, 2, 0, 1},
        new float[] {0.5f, 0.5f, 1f, 1f, 0.5f, 0.5f});
    TwoTowerConfig c = TwoTowerConfig.DEFAULTS.withFactors(4).withEmbeddingDim(3).withHidden(List.of(5))
        .withTemperature(0.5f).withL2(0.05f);
    SplittableRandom rng = new SplittableRandom(3);
    Tower users = new Tower(3, userF, new int[] {2, 1, 0}, c, rng.split());
    Tower items = new Tower(4, itemF, new int[] {1, 1, 1, 0}, c, rng.split());
    // Make the embeddings large enough that the layers are not near-linear in them.
    for (Tower t : new Tower[] {users, items}) {
      for (float[] p : t.parameters()) {
        if (p != null && p != t.mlp.params) for (int j = 0; j < p.length; j++) p[j] *= 20f;
      }
    }
    int[] batchUsers = {0, 1, 2};
    int[] candidates = {1, 2, 1, 3}; // row 2's positive (item 1) is also row 0's: an accidental hit
    float[] logQ = {0.1f, -0.3f, 0.7f, -1.2f};
    try (WorkerPool pool = WorkerPool.create(1, "test")) {
      MatrixProduct product = new MatrixProduct(pool);
      InBatchSoftmax softmax = new InBatchSoftmax(4, c.temperature(), pool);
      float[] gu = new float[3 * 4];
      float[] gv = new float[4 * 4];
      java.util.function.ToDoubleFunction<float[][]> loss = ignored -> {
        float[] yu = users.forward(product, pool, batchUsers, 3);
        float[] yv = items.forward(product, pool, candidates, 4);
        double value = softmax.lossAndGradient(yu, yv, 3, 4, candidates, logQ, gu, gv);
        value += users.backward(product, new float[3 * 4], 3, c.l2());
        value += items.backward(product, new float[4 * 4], 4, c.l2());
        users.clearGradients();
        items.clearGradients();
        return value;
      };
      float[] yu = users.forward(product, pool, batchUsers, 3);
      float[] yv = items.forward(product, pool, candidates, 4);
      softmax.lossAndGradient(yu, yv, 3, 4, candidates, logQ, gu, gv);
      users.backward(product, gu, 3, c.l2());
      items.backward(product, gv, 4, c.l2());
      List<float[]> params = new ArrayList<>();
      List<float[]> grads = new ArrayList<>();
      for (Tower t : new Tower[] {users, items}) {
        float[][] p = t.parameters();
        params.add(p[0]);
        grads.add(dense(t.idGrad, p[0].length));
        params.add(p[1]);
        grads.add(dense(t.featureGrad, p[1].length));
        params.add(p[2]);
        grads.add(t.mlpGrad.clone());
      }
      GradientCheck.check(loss, params.toArray(float[][]::new), grads.toArray(float[][]::new));
    }
  }

  private static float[] dense(RowGradients g, int size) {
    float[] out = new float[size];
    for (int s = 0; s < g.count; s++) System.arraycopy(g.grad, s * g.dim, out, g.rows[s] * g.dim, g.dim);
    return out;
  }

  // --- log-Q -----------------------------------------------------------------------------------

  /**
   * Two rows, orthonormal vectors, tau = 1: row b's logits are 1 for its own item and 0 for the
   * other. Without correction each row's loss is {@code ln(1 + e^-1) = 0.313262}. With item 0
   * three times as frequent ({@code ln Q = (ln 3, 0)}) its logit drops by ln 3: row 0 (positive 0)
   * costs {@code ln(1 + 3/e) = 0.7436684} and row 1 {@code ln(1 + 1/(3e)) = 0.1156710} (Python:
   * {@code math.log(1 + 3 / math.e)}, {@code math.log(1 + 1 / (3 * math.e))}): the popular
   * positive is pushed harder, the rare one less. Tolerance 1e-6 (float logits).
   */
  @Test
  void logQCorrectionChangesTheLossAsWorkedOut() {
    float[] q = {1, 0, 0, 1};
    float[] v = {1, 0, 0, 1};
    int[] ids = {0, 1};
    try (WorkerPool pool = WorkerPool.create(1, "test")) {
      InBatchSoftmax s = new InBatchSoftmax(2, 1f, pool);
      float[] gq = new float[4];
      float[] gv = new float[4];
      double plain = s.lossAndGradient(q, v, 2, 2, ids, null, gq, gv);
      assertThat(plain).isCloseTo(Math.log(1 + Math.exp(-1)), within(1e-6));
      double corrected = s.lossAndGradient(q, v, 2, 2, ids, new float[] {(float) Math.log(3), 0f}, gq, gv);
      assertThat(corrected).isCloseTo((0.7436684 + 0.1156710) / 2, within(1e-6));
      // The same item in both columns: row 0's other column is an accidental hit, masked (loss 0).
      double hit = s.lossAndGradient(q, v, 2, 2, new int[] {0, 0}, null, gq, gv);
      assertThat(hit).isCloseTo(0.0, within(1e-7));
    }
    // Q = B f / N + m / W: 10 * 30 / 100 + 5 / 50 = 3.1.
    assertThat(InBatchSoftmax.logExpectedCount(30, 100, 10, 5, 50)).isCloseTo((float) Math.log(3.1), within(1e-6f));
  }

  // --- learning and reproducibility -------------------------------------------------------------

  /**
   * Planted groups: popularity finds mostly other groups' items; the towers must learn the groups.
   * NDCG@10 above 1.5x popularity's (measured with the seed below: see the assertion message).
   */
  @Test
  void learnsPlantedGroupsBetterThanPopularity() {
    double pop = ndcg(new PopularityTrainer(PopularityConfig.DEFAULTS).fit(train));
    double tower = ndcg(new TwoTowerTrainer(small()).fit(train));
    assertThat(tower).as("two-tower %s vs popularity %s", tower, pop).isGreaterThan(1.5 * pop);
  }

  /** Same seed: the same factors bit for bit, with one thread and with two (the products sum in a fixed order). */
  @Test
  void sameSeedGivesTheSameModel() {
    TwoTowerConfig c = small().withEpochs(2);
    LatentFactorModel a = new TwoTowerTrainer(c).fit(train);
    LatentFactorModel b = new TwoTowerTrainer(c).fit(train);
    LatentFactorModel two = new TwoTowerTrainer(c.withThreads(2)).fit(train);
    LatentFactorModel other = new TwoTowerTrainer(c.withSeed(6)).fit(train);
    assertThat(b.itemFactors().row(7)).isEqualTo(a.itemFactors().row(7));
    assertThat(b.userFactors().row(11)).isEqualTo(a.userFactors().row(11));
    assertThat(two.itemFactors().row(7)).isEqualTo(a.itemFactors().row(7));
    assertThat(other.itemFactors().row(7)).isNotEqualTo(a.itemFactors().row(7));
    assertThat(a.provenance().algorithm()).isEqualTo("two-tower");
  }

  // --- cold start -------------------------------------------------------------------------------

  /**
   * Items 500..599 have no training interactions; every item has its group as a side feature.
   * (a) A cold item's factor row is its features through the item tower: the model's row equals
   * the encoder's vector for the same features (1e-5: batched vs single-row summation order).
   * (b) Cold items of a user's own group rank above other groups' cold items for more than 90% of
   * (own, other) pairs on average over users (a model without features is at 0.5).
   */
  @Test
  void coldItemGetsItsVectorFromItsFeatures() {
    int coldFrom = 500;
    Interactions warm = HybridTrainerTest.withoutItemsFrom(train, coldFrom);
    FeatureTrainer.Fit<LatentFactorModel> t = new TwoTowerTrainer(small()).fitWithEncoders(warm, null,
        HybridTrainerTest.groupFeatures(train.numItems(), GROUPS), ProgressListener.NONE);
    LatentFactorModel m = t.model();
    assertThat(t.users()).as("no user features, no user encoder").isNull();
    EntityEncoder enc = t.items();
    assertThat(enc.features()).isEqualTo(GROUPS);
    float[] y = new float[enc.dim()];
    assertThat(enc.encode(new FeatureCodec.Row(new int[] {(coldFrom + 3) % GROUPS}, new float[] {1f}), y)).isZero();
    float[] row = m.itemFactors().row(coldFrom + 3);
    for (int c = 0; c < y.length; c++) assertThat(y[c]).as("factor %d", c).isCloseTo(row[c], within(1e-5f));
    assertThat(HybridTrainerTest.ownGroupColdOrder(m, warm, coldFrom, GROUPS)).isGreaterThan(0.9);
    assertThatThrownBy(() -> enc.encode(new FeatureCodec.Row(new int[] {GROUPS}, new float[] {1f}), y))
        .hasMessage("feature 5 at position 0 outside [0, 5)");
  }

  @Test
  void configRejectsBadValues() {
    assertThatThrownBy(() -> TwoTowerConfig.DEFAULTS.withBatchSize(1))
        .hasMessage("batchSize must be > 1 (in-batch negatives), got 1");
    assertThatThrownBy(() -> TwoTowerConfig.DEFAULTS.withHidden(List.of(64, 0)))
        .hasMessage("hidden layer widths must be > 0, got [64, 0]");
    assertThatThrownBy(() -> TwoTowerConfig.parseHidden("64,x"))
        .hasMessage("expected comma-separated layer widths (e.g. 256,128) or none, got '64,x'");
    assertThat(TwoTowerConfig.parseHidden("256, 128")).containsExactly(256, 128);
    assertThat(TwoTowerConfig.DEFAULTS.withHidden(List.of()).hiddenText()).isEqualTo("none");
  }
}
