package dev.kindred.serve;

import dev.kindred.core.ColdStartItems;
import dev.kindred.core.IdIndex;
import dev.kindred.core.Interactions;
import dev.kindred.core.LatentFactorModel;
import dev.kindred.core.Model;
import dev.kindred.core.RecommendOptions;
import dev.kindred.core.ScoredItems;
import dev.kindred.core.Recommender;
import dev.kindred.serve.retrieval.Retrieval;
import dev.kindred.serve.retrieval.RetrievalConfig;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * Everything the server answers from for one model: the model, its recommender, the training
 * interactions on the model's indices, the popularity order for unknown users, and the users'
 * events since the model's training cut-off (item indices of this model, in bounded memory). Built
 * whole, off the request path, then published through one volatile reference in
 * {@link RecommendationService}; a request reads that reference once and finishes on the state it
 * read, so a model swap never mixes two models' indices within a request.
 *
 * <p>Which logged events a state re-applies: those at or after the model's training cut-off
 * ({@link dev.kindred.core.Provenance#dataCutoffMillis}, the training data's last event time), on
 * items the model knows. Earlier ones are in the model (re-applying the one event at the cut-off
 * millisecond only repeats a history entry). A model that records no cut-off (data without
 * timestamps, or a file written before the field existed) gets every logged event, as before.
 *
 * <p>Items posted to a running server ({@link #withItem}) are served at once as {@link #recent}
 * items beside the model's, and later folded into the model's item side ({@link #rebuiltWith}); the
 * states of that chain share one {@link EventMemory}, since no item index moves.
 *
 * <p>Thread-safety: every field is final and immutable except {@link #events} (see {@link EventMemory}).
 */
final class ServingState {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ServingState.class);

  final Model model;
  final Recommender recommender;
  final Retrieval retrieval; // exact or ANN: recommender above is its recommender, or wraps it with the recent items
  final RecentItems recent; // items posted since the model's item side was built; index model.numItems() on
  final Interactions seen; // may be null: then "exclude seen" has nothing to exclude
  final int[] popular; // items by training popularity, for unknown users; null without seen
  final EventMemory events;
  final dev.kindred.core.Explainer explainer; // splits this model's scores over a user's history
  final String version;
  final String source; // where the model came from: a file path, or "in-process"
  final long loadedAtMillis;
  /** Logged events before this time are in the model; {@link Long#MIN_VALUE} when the model records no cut-off. */
  final long cutoffMillis;

  /** A state whose lists come from the retrieval {@code retrievalConfig} asks for (an ANN graph is built here). */
  ServingState(Model model, Interactions seen, String source, RetrievalConfig retrievalConfig, ServeConfig limits,
      EventMemory.Evictions evictions) {
    this(model, seen, seen == null ? null : byPopularity(seen), source, retrievalConfig,
        new EventMemory(limits, evictions));
  }

  private ServingState(Model model, Interactions seen, int[] popular, String source, RetrievalConfig retrievalConfig,
      EventMemory events) {
    this.model = model;
    this.retrieval = Retrieval.build(model, seen, retrievalConfig);
    this.recommender = retrieval.recommender();
    this.recent = RecentItems.none(model.numItems(), model instanceof LatentFactorModel m ? m.dim() : 0);
    this.seen = seen;
    this.popular = popular;
    this.events = events;
    this.explainer = dev.kindred.core.Explainer.of(model);
    this.version = versionOf(model);
    this.source = source;
    this.loadedAtMillis = System.currentTimeMillis();
    this.cutoffMillis = model.provenance().dataCutoffMillis().orElse(Long.MIN_VALUE);
    warm();
  }

  /** {@code from} with {@code recent} as its recent items: everything else is shared. */
  private ServingState(ServingState from, RecentItems recent) {
    this.model = from.model;
    this.retrieval = from.retrieval;
    this.recent = recent;
    this.recommender = recent.isEmpty() ? from.retrieval.recommender()
        : new RecentItemsRecommender(from.retrieval.recommender(), from.retrieval.exactFactors(), recent);
    this.seen = from.seen;
    this.popular = from.popular;
    this.events = from.events;
    this.explainer = from.explainer;
    this.version = from.version;
    this.source = from.source;
    this.loadedAtMillis = from.loadedAtMillis;
    this.cutoffMillis = from.cutoffMillis;
  }

  /**
   * This state and one more item, posted: {@code O(dim)} amortised ({@link RecentItems}); the
   * model, its retrieval, the seen set and the users' events are shared, since the item is
   * numbered after every existing one.
   *
   * @throws IllegalStateException if the model is not a latent-factor model
   */
  ServingState withItem(ColdStartItems.NewItem item) {
    if (!(model instanceof LatentFactorModel) || retrieval.exactFactors() == null) {
      throw new IllegalStateException("recent items need a latent-factor model, not " + model.kind());
    }
    return new ServingState(this, recent.plus(item));
  }

  /**
   * The state whose model is {@code extended}: {@link #model} with this state's recent items
   * appended to its item side, and no recent item. The seen set, popularity order and the users'
   * events carry over unchanged (no item index moved). Builds the retrieval (packed panels, an ANN
   * graph) here, off the request path.
   */
  ServingState rebuiltWith(LatentFactorModel extended, RetrievalConfig retrievalConfig) {
    if (extended.numItems() != numItems()) {
      throw new IllegalStateException("the rebuilt model has " + extended.numItems() + " items, expected "
          + numItems());
    }
    return new ServingState(extended, seen, popular, source, retrievalConfig, events);
  }

  /** This state with {@code items} as its recent items (numbered from the model's item count). */
  ServingState withRecent(RecentItems items) {
    if (items.first() != model.numItems()) {
      throw new IllegalStateException("recent items start at " + items.first() + ", the model has "
          + model.numItems() + " items");
    }
    return new ServingState(this, items);
  }

  /**
   * Top-{@code k} for a user vector that is not the model's (a user scored from side features),
   * recent items included; {@code constant} is {@code mu + b_u}.
   */
  ScoredItems recommendVector(float[] vec, float constant, int k, RecommendOptions options) {
    return recommender instanceof RecentItemsRecommender r ? r.recommendVector(vec, constant, k, options)
        : retrieval.exactFactors().recommendVector(vec, 0, constant, -1, k, options);
  }

  /** The serving index of item {@code id}: the model's, or a recent item's; -1 when unknown. */
  int itemIndexOf(String id) {
    int i = model.itemIndex().indexOf(id);
    return i >= 0 ? i : recent.indexOf(id);
  }

  /** The external id of serving index {@code i}. */
  String itemId(int i) {
    return recent.holds(i) ? recent.id(i) : model.itemIndex().externalId(i);
  }

  /** Items served: the model's and the recent ones. */
  int numItems() {
    return model.numItems() + recent.size();
  }

  /** {@link Model#score(int, int)} for a known user, recent items included. */
  float score(int user, int item) {
    if (!recent.holds(item)) return model.score(user, item);
    LatentFactorModel m = (LatentFactorModel) model;
    return ((RecentItemsRecommender) recommender).score(m.userStore().row(user), m.userBias(user), item);
  }

  /**
   * Builds what the recommender makes lazily on first use, here, off the request path: the packed
   * item panels of the exact pass and, for fold-in, the model's Gram matrix {@code Q^T Q} (a pass
   * over every item factor). Left lazy, the first request after start-up or a swap would build them
   * on its own thread while the requests behind it wait on the same lock.
   */
  private void warm() {
    if (model.numItems() == 0 || model.numUsers() == 0) return;
    RecommendOptions none = new RecommendOptions(null, null, null);
    try {
      recommender.recommend(0, 1, none);
      recommender.recommendFromHistory(new int[] {0}, null, 1, none);
    } catch (RuntimeException e) {
      // No fold-in rule, or a model that cannot serve: the swap's smoke test refuses the latter.
      LOG.debug("warm-up of the {} model stopped: {}", model.kind(), e.toString());
    }
  }

  /**
   * The state for {@code next} replacing {@code old}: the seen set is moved onto the new model's
   * indices, except when both models index the same users and items in the same order (a retrain
   * on the same ids, the common case), where the old seen set and popularity order are reused as
   * they are: no copy of the interactions, no allocation burst during the swap.
   */
  static ServingState replacing(ServingState old, Model next, String source, RetrievalConfig retrievalConfig,
      ServeConfig limits, EventMemory.Evictions evictions) {
    if (old.seen != null && sameIds(old.model.userIndex(), next.userIndex())
        && sameIds(old.model.itemIndex(), next.itemIndex())) {
      return new ServingState(next, old.seen, old.popular, source, retrievalConfig, new EventMemory(limits, evictions));
    }
    return new ServingState(next, onModel(old.seen, next), source, retrievalConfig, limits, evictions);
  }

  /** Whether two indices hold the same ids at the same positions. */
  static boolean sameIds(IdIndex a, IdIndex b) {
    if (a == b) return true;
    if (a.size() != b.size() || a.isNumeric() != b.isNumeric()) return false;
    for (int x = 0; x < a.size(); x++) {
      if ((a.isNumeric() ? b.indexOf(a.longId(x)) : b.indexOf(a.externalId(x))) != x) return false;
    }
    return true;
  }

  /** Whether the model already holds {@code e} (logged before its training cut-off). */
  boolean covers(EventLog.Event e) {
    return e.timestampMillis() < cutoffMillis;
  }

  /** Which logged events this state re-applies, in words (the swap answer's {@code events_rule}). */
  String eventsRule() {
    return cutoffMillis == Long.MIN_VALUE
        ? "every logged event on an item the model knows: the model records no training cut-off (data without "
            + "timestamps, or a model file older than the field)"
        : "logged events from " + java.time.Instant.ofEpochMilli(cutoffMillis) + " (the model's training cut-off) on "
            + "items the model knows";
  }

  /**
   * Applies the logged events newer than the model's cut-off ({@link #covers}) whose items this model
   * knows and whose values {@code limits} accepts (a log written before the bound may hold larger
   * ones); the rest stay in the log (an unknown item's event for the next training).
   */
  Applied apply(Iterable<EventLog.Event> log, ServeConfig limits) {
    int applied = 0;
    int covered = 0;
    int unknown = 0;
    for (EventLog.Event e : log) {
      if (!limits.acceptsValue(e.value())) continue;
      if (covers(e)) {
        covered++;
        continue;
      }
      int i = itemIndexOf(e.item());
      if (i < 0) {
        unknown++;
        continue;
      }
      events.add(e.user(), i, e.value());
      applied++;
    }
    return new Applied(applied, covered, unknown);
  }

  /**
   * What {@link #apply} did with logged events.
   *
   * @param applied events folded into the users' memory
   * @param covered events before the model's training cut-off: already in the model
   * @param unknownItem events on items the model does not know (kept in the log for the next training)
   */
  record Applied(int applied, int covered, int unknownItem) {
    Applied plus(Applied o) {
      return new Applied(applied + o.applied, covered + o.covered, unknownItem + o.unknownItem);
    }

    @Override
    public String toString() {
      return applied + " re-applied, " + covered + " already in the model (before its cut-off), " + unknownItem
          + " on items it does not know";
    }
  }

  /**
   * A short fingerprint of the model: CRC32C of its provenance (algorithm, configuration, data
   * fingerprint, seed, sizes, creation time), as 8 hex digits. Two files of one training run share
   * it; a retrain (new creation time) changes it.
   */
  static String versionOf(Model model) {
    CRC32C crc = new CRC32C();
    crc.update(model.kind().getBytes(StandardCharsets.UTF_8));
    for (Map.Entry<String, String> e : model.provenance().toMap().entrySet()) {
      crc.update(0);
      crc.update(e.getKey().getBytes(StandardCharsets.UTF_8));
      crc.update(0);
      crc.update(e.getValue().getBytes(StandardCharsets.UTF_8));
    }
    return String.format("%08x", crc.getValue());
  }

  /**
   * The pairs of {@code seen} whose user and item {@code model} knows, moved onto its indices by
   * external id (a swapped-in model may order or cover ids differently); null stays null.
   */
  static Interactions onModel(Interactions seen, Model model) {
    return seen == null ? null : seen.onto(model.userIndex(), model.itemIndex());
  }

  private static int[] byPopularity(Interactions seen) {
    Integer[] order = new Integer[seen.numItems()];
    for (int i = 0; i < order.length; i++) order[i] = i;
    Arrays.sort(order, (a, b) -> seen.itemDegree(a) != seen.itemDegree(b)
        ? Integer.compare(seen.itemDegree(b), seen.itemDegree(a)) : Integer.compare(a, b));
    int[] out = new int[order.length];
    for (int i = 0; i < out.length; i++) out[i] = order[i];
    return out;
  }
}
