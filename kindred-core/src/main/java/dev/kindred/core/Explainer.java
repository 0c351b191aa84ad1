package dev.kindred.core;

import dev.kindred.math.Cholesky;
import dev.kindred.math.CsrMatrix;
import dev.kindred.math.FactorMatrix;
import dev.kindred.math.Kernels;
import dev.kindred.math.VectorOps;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Splits a user's scores over the items of that user's history ({@link Explanation}), for every
 * model kind. How, by model ({@link Explanation.Method}):
 *
 * <ul>
 *   <li>Item-kNN and EASE ({@link ItemItemModel}): {@code s_ui = sum_j w_uj S[j][i]}, so item
 *       {@code j} contributes {@code w_uj S[j][i]}; exact, nothing is left over.
 *   <li>Graph filter ({@link GraphFilterModel}, GF-CF, arXiv:2108.07567): both terms are linear in
 *       the binary history row, so item {@code j} contributes {@code (R~^T R~)[j][i]} plus
 *       {@code alpha q_j . q_i / d_j}; exact.
 *   <li>iALS / ALS ({@link FoldInRule.Ridge}): the user vector is the ridge solve
 *       {@code x_u = W_u Y^T C_u p_u} with {@code W_u = (Y^T C_u Y + lambda I)^-1}, so
 *       {@code y_i . x_u = sum_j (y_i^T W_u y_j) c_uj p_uj}: item {@code j} contributes
 *       {@code c_uj (z . y_j)} with {@code z = W_u y_i} (one Cholesky solve per explained item, the
 *       factorisation shared by all of a user's items), as implicit's {@code explain} does (Hu,
 *       Koren, Volinsky 2008, doi:10.1109/ICDM.2008.22, section 5). For explicit ALS {@code c_uj p_uj}
 *       is the residual {@code r_uj - mu - b_j} and the remainder holds {@code mu + b_u + b_i}.
 *       The regularisation and confidence scale are the model's own fold-in rule (stored in the
 *       model file). A trained user's vector came from the training solver (conjugate gradient, a
 *       finite number of sweeps), not this exact solve: the difference is in the remainder.
 *   <li>LightGCN ({@link FoldInRule.Propagation}, arXiv:2002.02126): the layers above 0 of the user
 *       embedding are {@code |N_u|^-1/2 sum_j b_j}, so item {@code j} contributes
 *       {@code |N_u|^-1/2 b_j . q_i}; the remainder is the user's own layer-0 embedding's part.
 *   <li>MF-SGD and BPR ({@link FoldInRule.Sgd}, or no rule): the user vector is not a function of the
 *       history that splits, so this is an approximation ({@link Explanation.Method#SIMILARITY}): the
 *       score is shared out in proportion to the cosine of each history item's factors with the
 *       explained item's, negative cosines counted as 0.
 *   <li>Popularity: the score does not depend on the history; no contributors.
 * </ul>
 *
 * <p>Cost per user and {@code m} explained items, history of {@code n}, dimension {@code k}: ridge
 * {@code O(n k^2 + k^3 + m (k^2 + n k))} (the item Gram matrix {@code Y^T Y} computed once per
 * explainer); item-item {@code O(m n)} (sparse: times {@code log} of a neighbour list); graph filter
 * as its {@link GraphFilterModel#score}; similarity and propagation {@code O(m n k)}.
 *
 * <p>Thread-safe: the only shared state is the lazily computed Gram matrix of {@link FoldIn}.
 */
public final class Explainer {

  /** A user's history: item indices and their values (null values: all ones). */
  public record History(int[] items, float[] values) {
    public History {
      Objects.requireNonNull(items, "items");
      if (values != null && values.length != items.length) {
        throw new IllegalArgumentException("history has " + items.length + " items but " + values.length + " values");
      }
    }

    static final History EMPTY = new History(new int[0], null);

    float value(int j) {
      return values == null ? 1f : values[j];
    }
  }

  private final Model model;
  private final FoldIn foldIn; // latent-factor models only

  private Explainer(Model model) {
    this.model = model;
    this.foldIn = model instanceof LatentFactorModel f ? new FoldIn(f) : null;
  }

  /** The explainer of {@code model}; every model kind of this library is supported. */
  public static Explainer of(Model model) {
    Objects.requireNonNull(model, "model");
    if (!(model instanceof LatentFactorModel || model instanceof ItemItemModel || model instanceof GraphFilterModel
        || model instanceof PopularityModel)) {
      throw new IllegalArgumentException("no explanation for model kind '" + model.kind() + "'");
    }
    return new Explainer(model);
  }

  public Model model() {
    return model;
  }

  /** The method this model's explanations use. */
  public Explanation.Method method() {
    return switch (model) {
      case LatentFactorModel f -> f.foldInRule() instanceof FoldInRule.Ridge
          || f.foldInRule() instanceof FoldInRule.Propagation ? Explanation.Method.EXACT : Explanation.Method.SIMILARITY;
      case PopularityModel p -> Explanation.Method.NONE;
      default -> Explanation.Method.EXACT;
    };
  }

  /**
   * The history of known user {@code user}: the training history the model keeps (item-kNN, EASE,
   * graph filter, popularity), else the user's row of {@code seen} (latent-factor models keep no
   * history: pass the training interactions on the model's indices), else empty.
   */
  public History history(int user, Interactions seen) {
    if (user < 0 || user >= model.numUsers()) {
      throw new IllegalArgumentException("user index " + user + " outside [0, " + model.numUsers() + ")");
    }
    Interactions h = switch (model) {
      case ItemItemModel m -> m.histories();
      case GraphFilterModel m -> m.histories();
      case PopularityModel m -> m.histories();
      default -> seen;
    };
    if (h == null || user >= h.numUsers()) return History.EMPTY;
    int from = h.userPtr()[user];
    int to = h.userPtr()[user + 1];
    return new History(Arrays.copyOfRange(h.itemIdx(), from, to), Arrays.copyOfRange(h.values(), from, to));
  }

  /**
   * Explains {@code scores[j]}, the score of {@code items[j]} for a user with history {@code h},
   * listing the {@code top} largest contributions of each.
   */
  public Explanation[] explain(History h, int[] items, float[] scores, int top) {
    if (items.length != scores.length) {
      throw new IllegalArgumentException(items.length + " items but " + scores.length + " scores");
    }
    if (top < 0) throw new IllegalArgumentException("top must be >= 0, got " + top);
    int n = model.numItems();
    checkItems(h.items(), n, "history item");
    checkItems(items, n, "explained item");
    float[][] parts = contributions(h, items);
    Explanation.Method method = method();
    Explanation[] out = new Explanation[items.length];
    for (int x = 0; x < items.length; x++) {
      out[x] = explanation(h, items[x], scores[x], parts[x], top, method);
    }
    return out;
  }

  /** One explanation of {@code item}: see {@link #explain(History, int[], float[], int)}. */
  public Explanation explain(History h, int item, float score, int top) {
    return explain(h, new int[] {item}, new float[] {score}, top)[0];
  }

  private static void checkItems(int[] items, int n, String what) {
    for (int j = 0; j < items.length; j++) {
      if (items[j] < 0 || items[j] >= n) {
        throw new IllegalArgumentException(what + " index " + items[j] + " at position " + j + " outside [0, " + n + ")");
      }
    }
  }

  /** {@code parts[x][j]}: what history entry {@code j} adds to the score of {@code items[x]}. */
  private float[][] contributions(History h, int[] items) {
    float[][] parts = new float[items.length][];
    switch (model) {
      case ItemItemModel m -> {
        for (int x = 0; x < items.length; x++) {
          float[] c = parts[x] = new float[h.items().length];
          for (int j = 0; j < c.length; j++) c[j] = m.historyWeight(h.value(j)) * m.weight(h.items()[j], items[x]);
        }
      }
      case GraphFilterModel m -> {
        for (int x = 0; x < items.length; x++) parts[x] = graphFilter(m, h, items[x]);
      }
      case LatentFactorModel m -> latentFactor(m, h, items, parts);
      default -> {
        for (int x = 0; x < items.length; x++) parts[x] = new float[h.items().length];
      }
    }
    return parts;
  }

  private void latentFactor(LatentFactorModel m, History h, int[] items, float[][] parts) {
    int k = m.dim();
    int nh = h.items().length;
    FactorMatrix q = m.itemFactors();
    Kernels kern = VectorOps.kernels();
    switch (m.foldInRule()) {
      case FoldInRule.Ridge r -> {
        float[] a = nh == 0 ? null : foldIn.ridgeSystem(r, h.items(), h.values(), new float[k]);
        if (a != null && !Cholesky.factor(a, k, new float[k])) {
          throw new IllegalStateException("the ridge system of a history of " + nh + " items is not positive definite");
        }
        float[] w = new float[nh];
        for (int j = 0; j < nh; j++) w[j] = foldIn.ridgeWeight(r, h.values(), j, h.items()[j]);
        float[] z = new float[k];
        for (int x = 0; x < items.length; x++) {
          float[] c = parts[x] = new float[nh];
          if (nh == 0) continue;
          q.copyRow(items[x], z, 0);
          Cholesky.solve(a, k, z); // z = W_u y_i
          for (int j = 0; j < nh; j++) c[j] = w[j] * kern.dot(z, 0, q.page(h.items()[j]), q.offset(h.items()[j]), k);
        }
      }
      case FoldInRule.Propagation p -> {
        FactorMatrix b = p.itemBasis();
        boolean[] first = firstOccurrences(h.items(), m.numItems());
        int distinct = 0;
        for (boolean f : first) if (f) distinct++;
        float scale = distinct == 0 ? 0f : (float) (1 / Math.sqrt(distinct));
        for (int x = 0; x < items.length; x++) {
          float[] c = parts[x] = new float[nh];
          int i = items[x];
          for (int j = 0; j < nh; j++) {
            int hj = h.items()[j];
            if (first[j]) c[j] = scale * kern.dot(b.page(hj), b.offset(hj), q.page(i), q.offset(i), k);
          }
        }
      }
      default -> {
        for (int x = 0; x < items.length; x++) parts[x] = cosines(q, h.items(), items[x], kern);
      }
    }
  }

  /** {@code first[j]}: entry {@code j} is the first occurrence of its item in {@code items}. */
  private static boolean[] firstOccurrences(int[] items, int n) {
    boolean[] seen = new boolean[n];
    boolean[] first = new boolean[items.length];
    for (int j = 0; j < items.length; j++) {
      first[j] = !seen[items[j]];
      seen[items[j]] = true;
    }
    return first;
  }

  /** Cosine of each history item's factors with item {@code i}'s (0 for a zero vector). */
  private static float[] cosines(FactorMatrix q, int[] history, int i, Kernels kern) {
    int k = q.dim();
    float ni = (float) Math.sqrt(kern.dot(q.page(i), q.offset(i), q.page(i), q.offset(i), k));
    float[] c = new float[history.length];
    for (int j = 0; j < c.length; j++) {
      int hj = history[j];
      float nj = (float) Math.sqrt(kern.dot(q.page(hj), q.offset(hj), q.page(hj), q.offset(hj), k));
      float d = kern.dot(q.page(hj), q.offset(hj), q.page(i), q.offset(i), k);
      c[j] = ni == 0f || nj == 0f ? 0f : d / (ni * nj);
    }
    return c;
  }

  /**
   * Item {@code j}'s part of the graph filter's score of {@code item}: {@code sum_v R~[v][j] R~[v][item]}
   * over the users {@code v} of {@code item}, plus {@code alpha q_j . q_item / d_j}. Values are
   * ignored and a repeated item counts once per entry, as in {@link GraphFilterRecommender}.
   */
  private static float[] graphFilter(GraphFilterModel m, History h, int item) {
    int[] hist = h.items();
    int[] order = sortedOrder(hist);
    int[] sorted = new int[hist.length];
    for (int j = 0; j < hist.length; j++) sorted[j] = hist[order[j]];
    float[] bySorted = new float[hist.length];
    CsrMatrix r = m.normalized();
    CsrMatrix t = m.normalizedTranspose();
    for (int p = t.rowPtr()[item]; p < t.rowPtr()[item + 1]; p++) {
      int v = t.colIdx()[p];
      float tv = t.values()[p];
      for (int e = r.rowPtr()[v]; e < r.rowPtr()[v + 1]; e++) {
        int at = Arrays.binarySearch(sorted, r.colIdx()[e]);
        if (at < 0) continue;
        // every entry of a repeated item: back up to the first, then walk forward
        while (at > 0 && sorted[at - 1] == sorted[at]) at--;
        for (int s = at; s < sorted.length && sorted[s] == r.colIdx()[e]; s++) bySorted[s] += r.values()[e] * tv;
      }
    }
    float[] c = new float[hist.length];
    FactorMatrix q = m.idealFactors();
    Kernels kern = VectorOps.kernels();
    float[] inverseDegree = m.inverseItemDegree();
    for (int s = 0; s < sorted.length; s++) {
      int j = sorted[s];
      float ideal = m.idealWeight() * inverseDegree[j];
      if (ideal != 0f) ideal *= kern.dot(q.page(j), q.offset(j), q.page(item), q.offset(item), m.rank());
      c[order[s]] = bySorted[s] + ideal;
    }
    return c;
  }

  private static int[] sortedOrder(int[] a) {
    return java.util.stream.IntStream.range(0, a.length).boxed()
        .sorted((x, y) -> a[x] != a[y] ? Integer.compare(a[x], a[y]) : Integer.compare(x, y))
        .mapToInt(Integer::intValue).toArray();
  }

  private static Explanation explanation(History h, int item, float score, float[] part, int top,
      Explanation.Method method) {
    float[] contribution = part;
    float[] share = new float[part.length];
    if (method == Explanation.Method.SIMILARITY) {
      double sum = 0;
      for (float c : part) sum += Math.max(0f, c);
      contribution = new float[part.length];
      for (int j = 0; j < part.length; j++) {
        share[j] = sum == 0 ? 0f : (float) (Math.max(0f, part[j]) / sum);
        contribution[j] = share[j] * score;
      }
    } else {
      for (int j = 0; j < part.length; j++) share[j] = score == 0f ? 0f : contribution[j] / score;
    }
    Integer[] order = new Integer[part.length];
    for (int j = 0; j < order.length; j++) order[j] = j;
    float[] cs = contribution;
    Arrays.sort(order, (x, y) -> Float.compare(cs[y], cs[x]));
    List<Explanation.Contribution> listed = new ArrayList<>(Math.min(top, order.length));
    double rest = score;
    for (int r = 0; r < Math.min(top, order.length); r++) {
      int j = order[r];
      listed.add(new Explanation.Contribution(h.items()[j], contribution[j], share[j]));
      rest -= contribution[j];
    }
    return new Explanation(item, score, listed, (float) rest, method);
  }
}
