package dev.kindred.core;

import dev.kindred.math.FactorMatrix;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Items a latent-factor model never saw, made recommendable from their vectors (an
 * {@link EntityEncoder}'s output): the model with their rows appended to its item factors, or an
 * earlier appended row replaced when the id is posted again.
 *
 * <p>Cost: a copy of the item factors, {@code O(items x dim)}, per call; callers batch items into
 * one call where they can. The model given is not modified; the result shares its user side.
 */
public final class ColdStartItems {

  /**
   * One new item.
   *
   * @param id external id
   * @param vector its latent vector ({@code dim} floats)
   * @param bias its bias (ignored by a model without biases)
   */
  public record NewItem(String id, float[] vector, float bias) {
    public NewItem {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(vector, "vector");
    }
  }

  private ColdStartItems() {}

  /**
   * {@code model} with every item of {@code values} (id to field to values) that it does not know
   * appended, its vector from {@code side}; items none of whose features {@code side} knows are
   * left out (nothing to score them from). {@code model} itself when nothing is added.
   *
   * @throws IllegalArgumentException if the encoder's dimension is not the model's
   */
  public static LatentFactorModel withFeatures(LatentFactorModel model, ModelFeatures.Side side,
      Map<String, Map<String, List<String>>> values) {
    if (side.encoder().dim() != model.dim()) {
      throw new IllegalArgumentException("the item encoder's dimension " + side.encoder().dim()
          + " is not the model's " + model.dim() + " (a features file of another model?)");
    }
    List<NewItem> add = new ArrayList<>();
    for (Map.Entry<String, Map<String, List<String>>> e : values.entrySet()) {
      if (model.itemIndex().indexOf(e.getKey()) >= 0) continue;
      float[] v = new float[model.dim()];
      FeatureCodec.Row row = side.codec().encode(e.getValue());
      if (row.size() == 0) continue;
      float b = side.encoder().encode(row, v);
      add.add(new NewItem(e.getKey(), v, b));
    }
    return add.isEmpty() ? model : with(model, add);
  }

  /**
   * {@code model} with {@code items} added: an id the model does not know is appended, an id it
   * knows has its row and bias replaced (callers decide which known ids may be replaced).
   *
   * @throws IllegalArgumentException if a vector's length is not the model's dimension, or a value
   *     is not finite
   */
  public static LatentFactorModel with(LatentFactorModel model, List<NewItem> items) {
    int dim = model.dim();
    IdIndex.Builder ids = new IdIndex.Builder(model.itemIndex());
    for (NewItem it : items) {
      if (it.vector().length != dim) {
        throw new IllegalArgumentException("item " + it.id() + ": vector of " + it.vector().length
            + " floats, the model's dimension is " + dim);
      }
      for (float v : it.vector()) {
        if (!Float.isFinite(v)) throw new IllegalArgumentException("item " + it.id() + ": non-finite vector");
      }
      if (model.itemIndex().indexOf(it.id()) < 0) ids.add(it.id());
    }
    IdIndex index = ids.build();
    FactorMatrix old = model.itemFactors();
    FactorMatrix q = new FactorMatrix(index.size(), dim);
    float[] row = new float[dim];
    for (int i = 0; i < old.rows(); i++) {
      old.copyRow(i, row, 0);
      q.setRow(i, row, 0);
    }
    float[] bias = model.hasBiases() ? Arrays.copyOf(model.itemBiases(), index.size()) : null;
    for (NewItem it : items) {
      int i = index.indexOf(it.id());
      q.setRow(i, it.vector(), 0);
      if (bias != null) bias[i] = it.bias();
    }
    float[] userBias = model.hasBiases() ? model.userBiases() : null;
    return new LatentFactorModel(model.provenance(), model.userIndex(), index, model.globalMean(), userBias, bias,
        model.userStore(), q, model.scoreMin(), model.scoreMax(), model.foldInRule());
  }
}
