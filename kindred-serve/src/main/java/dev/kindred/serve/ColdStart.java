package dev.kindred.serve;

import dev.kindred.core.ColdStartItems;
import dev.kindred.core.LatentFactorModel;
import dev.kindred.core.Model;
import dev.kindred.core.ModelFeatures;
import dev.kindred.core.RecommendOptions;
import dev.kindred.core.ScoredItems;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * New users and items scored from side features through the serving model's encoders
 * ({@link ModelFeatures}, the {@code MODEL.features} file written beside a feature model):
 * <ol>
 *   <li>items: those of the {@code --item-features} file and those posted to {@code POST /v1/items}
 *       (logged in an {@link ItemLog}) that the trained model does not know get a vector from their
 *       features and are appended to its item factors ({@link ColdStartItems}); this is redone from
 *       the trained model for every swap, so posted items survive restarts and model swaps, and an
 *       item a newer model was trained on keeps its trained vector;
 *   <li>users: a user unknown to the model is scored from the features a request carries, or from
 *       the {@code --user-features} file's row for the id.
 * </ol>
 * Cost: a posted item is served at once as a recent item, {@code O(dim)} ({@link RecentItems});
 * the item side is rebuilt with it in the background (a copy of the item factors and, in ANN mode,
 * the graph), once per burst of posts.
 *
 * <p>Thread-safe: the posted items are guarded by this object; the rest is immutable.
 */
public final class ColdStart {

  private final ModelFeatures features;
  private final Map<String, Map<String, List<String>>> itemFeatures;
  private final Map<String, Map<String, List<String>>> userFeatures;
  private final ItemLog log; // may be null: POST /v1/items is then refused
  private final LinkedHashMap<String, Map<String, List<String>>> posted = new LinkedHashMap<>();

  /**
   * @param features the model's encoders (either side may be null)
   * @param itemFeatures items to add at start-up, id to field to values (may be empty)
   * @param userFeatures users scored from features when the model does not know them (may be empty)
   * @param log where posted items are kept, already replayed into {@code replay}; null for none
   * @param replay the items of {@code log} at start-up, in order
   */
  public ColdStart(ModelFeatures features, Map<String, Map<String, List<String>>> itemFeatures,
      Map<String, Map<String, List<String>>> userFeatures, ItemLog log, List<ItemLog.Posted> replay) {
    this.features = Objects.requireNonNull(features, "features");
    this.itemFeatures = Map.copyOf(itemFeatures);
    this.userFeatures = Map.copyOf(userFeatures);
    this.log = log;
    for (ItemLog.Posted p : replay) posted.put(p.item(), p.features());
  }

  /**
   * Checks that the encoders write vectors of {@code model}'s dimension.
   *
   * @throws IllegalArgumentException naming the side that does not fit
   */
  void check(Model model) {
    if (!(model instanceof LatentFactorModel m)) {
      throw new IllegalArgumentException("side-feature scoring needs a latent-factor model, not " + model.kind());
    }
    for (ModelFeatures.Side side : new ModelFeatures.Side[] {features.users(), features.items()}) {
      if (side != null && side.encoder().dim() != m.dim()) {
        throw new IllegalArgumentException("a feature encoder writes " + side.encoder().dim() + " floats, the model's "
            + "dimension is " + m.dim() + " (a MODEL.features file of another model?)");
      }
    }
  }

  /**
   * {@code trained} with every feature-only item it does not know appended; {@code trained}
   * itself when there is none or it is not a latent-factor model.
   *
   * @throws IllegalArgumentException if the encoders' dimension is not the model's
   */
  Model extend(Model trained) {
    if (!(trained instanceof LatentFactorModel m) || features.items() == null) return trained;
    Map<String, Map<String, List<String>>> all = new LinkedHashMap<>(itemFeatures);
    synchronized (this) {
      all.putAll(posted);
    }
    return ColdStartItems.withFeatures(m, features.items(), all);
  }

  /**
   * Checks and logs a posted item (durably, before it is acknowledged), and returns it with its
   * vector from the item encoder, for the caller to serve ({@link ServingState#withItem}); later
   * swaps add it again through {@link #extend}.
   *
   * @throws ApiException 405 without an item log or item encoder, 409 for an item the trained
   *     model knows, 400 for features the model cannot use
   */
  ColdStartItems.NewItem post(Model trained, String item, Map<String, List<String>> values) {
    if (log == null) throw new ApiException(405, "this server takes no items (start it with --item-log)");
    if (features.items() == null) throw new ApiException(405, "the model has no item feature encoder");
    if (trained.itemIndex().indexOf(item) >= 0) {
      throw new ApiException(409, "item '" + item + "' is in the trained model; only new items can be posted");
    }
    float[] vector = new float[features.items().encoder().dim()];
    float bias;
    try {
      bias = features.items().vector(values, vector);
    } catch (IllegalArgumentException e) {
      throw new ApiException(400, e.getMessage());
    }
    synchronized (this) {
      try {
        log.append(new ItemLog.Posted(item, values, System.currentTimeMillis()));
      } catch (IOException e) {
        throw new ApiException(503, "item log write failed: " + e.getMessage());
      }
      posted.put(item, values);
    }
    return new ColdStartItems.NewItem(item, vector, bias);
  }

  /** Items posted (replayed or since start-up), distinct ids. */
  synchronized int postedItems() {
    return posted.size();
  }

  /** Whether the {@code --user-features} file has a row for {@code user}. */
  boolean hasUser(String user) {
    return userFeatures.containsKey(user);
  }

  /**
   * The list of a user the model does not know, from {@code values} (or, when null, the user's
   * {@code --user-features} row); scored exactly over every item {@code st} serves.
   *
   * @throws ApiException 422 when the model has no user encoder, 400 when no feature is known
   */
  ScoredItems recommend(ServingState st, String user, Map<String, List<String>> values, int k,
      RecommendOptions options) {
    if (features.users() == null || !(st.model instanceof LatentFactorModel m)) {
      throw new ApiException(422, "the model has no user feature encoder (train it with --user-features)");
    }
    Map<String, List<String>> v = values != null ? values : userFeatures.get(user);
    float[] vec = new float[m.dim()];
    float bias;
    try {
      bias = features.users().vector(v, vec);
    } catch (IllegalArgumentException e) {
      throw new ApiException(400, e.getMessage());
    }
    return st.recommendVector(vec, m.globalMean() + bias, k, options);
  }

  /**
   * A request's {@code "features"} object as field to values: a list gives several values, a
   * string or number one.
   *
   * @throws ApiException 400 for a value that is an object, or null
   */
  static Map<String, List<String>> values(Map<String, Object> json) {
    Map<String, List<String>> out = new LinkedHashMap<>();
    for (Map.Entry<String, Object> e : json.entrySet()) {
      List<String> vs = new ArrayList<>();
      if (e.getValue() instanceof List<?> l) {
        for (Object x : l) vs.add(scalar(e.getKey(), x));
      } else {
        vs.add(scalar(e.getKey(), e.getValue()));
      }
      out.put(e.getKey(), vs);
    }
    return out;
  }

  private static String scalar(String field, Object x) {
    if (x instanceof String || x instanceof Number || x instanceof Boolean) return x.toString();
    throw new ApiException(400, "\"features\".\"" + field + "\" must be a string, a number or a list of them");
  }
}
