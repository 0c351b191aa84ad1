package dev.kindred.train.als;

import dev.kindred.core.FoldIn;
import dev.kindred.core.FoldInRule;
import dev.kindred.core.IdIndex;
import dev.kindred.core.Interactions;
import dev.kindred.core.LatentFactorModel;
import dev.kindred.math.FactorMatrix;
import dev.kindred.math.WorkerPool;
import dev.kindred.train.mf.SgdItemRefit;
import java.util.Arrays;
import java.util.Objects;

/**
 * One item-side ALS half-step against a model's user factors: every item's factors are solved
 * again from the given interactions, exactly (one Cholesky solve per item), with the model's own
 * regularisation and confidence scale ({@link FoldInRule.Ridge}). Used after forgetting a user
 * ({@code kindred forget --refit-items}): with the user's rows gone from the data and the user's
 * factors gone from the model, the item factors no longer depend on that user's interactions
 * directly, only through the other users' factors, which were trained with them (one half-step, not
 * a retrain).
 *
 * <p>The item step is the user step with the roles swapped, so it runs {@link FoldIn}'s ridge rule
 * on the transposed model (items as users): implicit (Hu, Koren, Volinsky 2008,
 * doi:10.1109/ICDM.2008.22) {@code y_i = (X^T C_i X + lambda I)^-1 X^T C_i p_i}; explicit (Zhou et
 * al. 2008, doi:10.1007/978-3-540-68880-8_32) {@code y_i = (X_i^T X_i + lambda [n_i] I)^-1
 * X_i^T (r_i - mu)}. An item no remaining user has gets the zero vector, as in training. Departure
 * from the trainer: always Cholesky, whatever solver trained the model, so a model fitted with a few
 * conjugate-gradient steps moves a little even when nobody was forgotten.
 *
 * <p>Cost: {@code O(nnz k^2 + items k^3)} flops, plus {@code users k^2} once for the Gram matrix
 * (implicit); memory one new item factor matrix. Same input and thread count give the same model
 * (each item's solve is independent of the thread that runs it). Thread-safe.
 *
 * <p>mf-sgd and bpr models (an SGD fold-in rule) have no ridge step: {@link #refit} runs
 * {@link SgdItemRefit} on them instead ({@value SgdItemRefit#EPOCHS} item-side SGD epochs).
 */
public final class ItemRefit {

  private ItemRefit() {}

  /** True when {@link #refit} can refit the model's items: als, ials (ridge), mf-sgd, bpr (SGD). */
  public static boolean supports(dev.kindred.core.Model model) {
    return model instanceof LatentFactorModel lf && (lf.foldInRule() instanceof FoldInRule.Sgd
        || lf.foldInRule() instanceof FoldInRule.Ridge && !lf.hasBiases());
  }

  /**
   * {@code model} with its item factors solved again from {@code data} (on the model's indices):
   * one exact ALS item half-step for als / ials, {@link SgdItemRefit} for mf-sgd / bpr.
   *
   * @throws IllegalArgumentException if the model is none of those ({@link #supports} is false) or
   *     {@code data} is not on its indices
   */
  public static LatentFactorModel refit(LatentFactorModel model, Interactions data, int threads) {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(data, "data");
    if (!supports(model)) {
      throw new IllegalArgumentException("an item-side refit needs an als, ials, mf-sgd or bpr model; a "
          + model.provenance().algorithm() + " model must be retrained without the user");
    }
    if (model.foldInRule() instanceof FoldInRule.Sgd) {
      return SgdItemRefit.refit(model, data, SgdItemRefit.EPOCHS, threads);
    }
    if (!data.userIndex().equals(model.userIndex()) || !data.itemIndex().equals(model.itemIndex())) {
      throw new IllegalArgumentException("the refit data must be on the model's user and item indices");
    }
    IdIndex itemsAsUsers = model.itemIndex();
    LatentFactorModel transposed = new LatentFactorModel(model.provenance(), itemsAsUsers, model.userIndex(),
        model.globalMean(), null, null, model.itemFactors(), model.userFactors(), Float.NEGATIVE_INFINITY,
        Float.POSITIVE_INFINITY, model.foldInRule());
    FoldIn solve = new FoldIn(transposed);
    int n = model.numItems();
    FactorMatrix items = new FactorMatrix(n, model.dim());
    int[] ptr = data.itemPtr();
    int[] users = data.userIdx();
    float[] values = data.itemValues();
    try (WorkerPool pool = WorkerPool.create(threads, "kindred-refit-items")) {
      pool.forEachShared(n, (worker, i) -> {
        if (i >= data.numItems() || ptr[i] == ptr[i + 1]) return; // nobody left: zero, as in training
        float[] y = solve.userVector(Arrays.copyOfRange(users, ptr[i], ptr[i + 1]),
            Arrays.copyOfRange(values, ptr[i], ptr[i + 1])).vector();
        items.setRow(i, y, 0);
      });
    }
    return new LatentFactorModel(model.provenance(), model.userIndex(), model.itemIndex(), model.globalMean(), null,
        null, model.userFactors(), items, model.scoreMin(), model.scoreMax(), model.foldInRule());
  }
}
