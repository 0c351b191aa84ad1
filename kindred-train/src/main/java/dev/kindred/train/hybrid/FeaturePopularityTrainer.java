package dev.kindred.train.hybrid;

import dev.kindred.core.FeatureTrainer;
import dev.kindred.core.Interactions;
import dev.kindred.core.LatentFactorModel;
import dev.kindred.core.ProgressListener;
import dev.kindred.core.Provenance;
import dev.kindred.core.SideFeatures;
import dev.kindred.math.CsrMatrix;
import dev.kindred.math.FactorMatrix;
import java.util.Map;

/**
 * The cold-start baseline every hybrid model must beat: popularity within feature segments, no
 * learning. Two blocks, each present when its side's features are given:
 * <ol>
 *   <li>item features (genre-style): a user's profile is the mean of the feature rows of the items
 *       they interacted with; an item scores the dot of that profile with its own feature row. A
 *       new item is ranked by how much of the user's history shares its features;
 *   <li>user features (demographic segments): an item's value for feature {@code f} is the share
 *       of the weight of users with {@code f} that interacted with it; a user scores the dot of their
 *       feature row with it. A new user is ranked popularity within their segments.
 * </ol>
 * Ties (and the case without features) are broken by overall popularity, scaled to at most
 * {@code 1e-6}. The model is a {@link LatentFactorModel} of dimension
 * {@code itemFeatures + userFeatures} (at least 1), so every consumer ranks with it unchanged.
 *
 * <p>Cost: {@code O(pairs * features per row)} time, {@code 4 (users + items) d} bytes of dense
 * factors: meant for vocabularies of up to a few thousand features. Immutable and thread-safe.
 */
public final class FeaturePopularityTrainer implements FeatureTrainer<LatentFactorModel> {

  public static final String NAME = "feature-pop";
  private static final float TIE_BREAK = 1e-6f;

  /** The baseline has no hyperparameters; the record exists for the registry. */
  public record Config() {
    public static final Config DEFAULTS = new Config();
  }

  public FeaturePopularityTrainer(Config config) {
    java.util.Objects.requireNonNull(config, "config");
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public LatentFactorModel fit(Interactions train, Interactions validation, SideFeatures features,
      ProgressListener listener) {
    features.checkRows(train);
    long t0 = System.nanoTime();
    CsrMatrix xi = features.items();
    CsrMatrix xu = features.users();
    int fi = xi == null ? 0 : xi.cols();
    int fu = xu == null ? 0 : xu.cols();
    int dim = Math.max(1, fi + fu);
    if ((long) Math.max(train.numUsers(), train.numItems()) * dim > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(NAME + ": " + dim + " features are too many for dense profiles of "
          + Math.max(train.numUsers(), train.numItems()) + " entities");
    }
    FactorMatrix p = new FactorMatrix(train.numUsers(), dim);
    FactorMatrix q = new FactorMatrix(train.numItems(), dim);
    int[] ptr = train.userPtr();
    int[] items = train.itemIdx();
    if (xi != null) {
      for (int i = 0; i < train.numItems(); i++) addRow(q, i, xi, i, 0, 1f);
      for (int u = 0; u < train.numUsers(); u++) {
        int deg = ptr[u + 1] - ptr[u];
        for (int j = ptr[u]; j < ptr[u + 1]; j++) addRow(p, u, xi, items[j], 0, 1f / deg);
      }
    }
    if (xu != null) {
      float[] segment = new float[fu];
      for (int u = 0; u < train.numUsers(); u++) {
        addRow(p, u, xu, u, fi, 1f);
        if (ptr[u + 1] == ptr[u]) continue;
        for (int a = xu.rowPtr()[u]; a < xu.rowPtr()[u + 1]; a++) segment[xu.colIdx()[a]] += xu.values()[a];
        for (int j = ptr[u]; j < ptr[u + 1]; j++) addRow(q, items[j], xu, u, fi, 1f);
      }
      for (int i = 0; i < train.numItems(); i++) {
        for (int f = 0; f < fu; f++) {
          if (segment[f] > 0) q.set(i, fi + f, q.get(i, fi + f) / segment[f]);
        }
      }
    }
    float[] bi = new float[train.numItems()];
    int maxDegree = 1;
    for (int i = 0; i < bi.length; i++) maxDegree = Math.max(maxDegree, train.itemDegree(i));
    for (int i = 0; i < bi.length; i++) bi[i] = TIE_BREAK * train.itemDegree(i) / maxDegree;
    double seconds = (System.nanoTime() - t0) / 1e9;
    listener.onEpoch(new ProgressListener.EpochReport(1, 1, Double.NaN, Double.NaN, System.nanoTime() - t0,
        System.nanoTime() - t0));
    Provenance prov = Provenance.of(NAME, Map.of("itemFeatures", Integer.toString(fi), "userFeatures",
        Integer.toString(fu)), train, 0L, 1, seconds);
    return new LatentFactorModel(prov, train.userIndex(), train.itemIndex(), 0f, new float[train.numUsers()], bi, p, q);
  }

  /** {@code m[row][offset + f] += scale * x[xRow][f]} over the stored entries of {@code x}'s row. */
  private static void addRow(FactorMatrix m, int row, CsrMatrix x, int xRow, int offset, float scale) {
    for (int a = x.rowPtr()[xRow]; a < x.rowPtr()[xRow + 1]; a++) {
      int c = offset + x.colIdx()[a];
      m.set(row, c, m.get(row, c) + scale * x.values()[a]);
    }
  }
}
