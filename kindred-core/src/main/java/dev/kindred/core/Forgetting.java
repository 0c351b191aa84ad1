package dev.kindred.core;

import dev.kindred.math.CsrMatrix;
import dev.kindred.math.FactorMatrix;
import java.util.Objects;

/**
 * Removes one user from a trained model (the right to erasure): the user's id from the user index,
 * the user's factors and bias, and the user's training history where the model keeps one. Every
 * other user keeps its parameters, so their scores are unchanged, except under the graph filter,
 * whose linear term is computed from the interaction matrix at query time and so loses the user's
 * row there too.
 *
 * <p>What stays: the item side was learned with the user's data. Item factors (matrix
 * factorisation, iALS, BPR, LightGCN), item-item weights (item-kNN, EASE), the graph filter's
 * singular vectors and normalisation, and popularity counts still carry the user's aggregate
 * influence, though no parameter is the user's own and the id is gone. Retraining (or an item-side
 * refit) without the user is what removes that.
 *
 * <p>Cost: one copy of the model's user-side arrays. Stateless and thread-safe.
 */
public final class Forgetting {

  private Forgetting() {}

  /** {@code model} without user {@code user} (dense index); the model itself is not changed. */
  public static Model withoutUser(Model model, int user) {
    Objects.requireNonNull(model, "model");
    Objects.checkIndex(user, model.numUsers());
    IdIndex users = model.userIndex().without(user);
    return switch (model) {
      case LatentFactorModel m -> new LatentFactorModel(m.provenance(), users, m.itemIndex(), m.globalMean(),
          m.hasBiases() ? without(m.userBiases(), user) : null, m.itemBiases(), without(m.userFactors(), user),
          m.itemFactors(), m.scoreMin(), m.scoreMax(), m.foldInRule());
      case ItemItemModel m -> {
        Interactions h = m.histories().withoutUser(user, users);
        yield m.layout() == ItemItemModel.Layout.SPARSE
            ? ItemItemModel.sparse(m.provenance(), h, m.binary(), m.neighbourPtr(), m.neighbourIdx(), m.neighbourWeights())
            : ItemItemModel.dense(m.provenance(), h, m.binary(), m.denseWeights());
      }
      case GraphFilterModel m -> {
        Interactions h = m.histories().withoutUser(user, users);
        int from = m.normalized().rowPtr()[user];
        int len = m.normalized().rowPtr()[user + 1] - from;
        float[] values = Interactions.cut(m.normalized().values(), from, len, new float[h.size()]);
        yield new GraphFilterModel(m.provenance(), h,
            new CsrMatrix(h.numUsers(), h.numItems(), h.userPtr(), h.itemIdx(), values), m.idealFactors(),
            m.idealWeight());
      }
      case PopularityModel m -> new PopularityModel(m.provenance(), m.itemScores(), m.histories().withoutUser(user, users));
      default -> throw new IllegalArgumentException("cannot forget a user of model kind '" + model.kind() + "'");
    };
  }

  private static float[] without(float[] a, int i) {
    return Interactions.cut(a, i, 1, new float[a.length - 1]);
  }

  private static FactorMatrix without(FactorMatrix f, int r) {
    FactorMatrix out = new FactorMatrix(f.rows() - 1, f.dim());
    float[] row = new float[f.dim()];
    for (int x = 0; x < out.rows(); x++) {
      f.copyRow(x < r ? x : x + 1, row, 0);
      out.setRow(x, row, 0);
    }
    return out;
  }
}
