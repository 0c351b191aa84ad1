package dev.kindred.serve;

import dev.kindred.core.ColdStartItems;
import dev.kindred.core.Explainer;
import dev.kindred.core.Explanation;
import dev.kindred.core.Forgetting;
import dev.kindred.core.IdIndex;
import dev.kindred.core.Interactions;
import dev.kindred.core.LatentFactorModel;
import dev.kindred.core.Model;
import dev.kindred.core.RecommendOptions;
import dev.kindred.core.ScoredItems;
import dev.kindred.serve.retrieval.Retrieval;
import dev.kindred.serve.retrieval.RetrievalConfig;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The request logic behind the HTTP routes, in external ids: recommend for a known user, or fold
 * in a user given as a history; batch; similar items; scores. Unknown item ids in exclusion or
 * candidate lists are reported back, not fatal; an unknown user is a 404 unless a history is given.
 *
 * <p>The model can be replaced while serving ({@link #swap}): the new {@link ServingState} is built
 * and checked off the request path, then published through one volatile reference. Thread-safe:
 * each request reads the state once and finishes on it; event ingestion and the swap's final
 * catch-up are serialised on one lock so no event is lost between the two.
 */
public final class RecommendationService {

  private static final Logger LOG = LoggerFactory.getLogger(RecommendationService.class);

  private volatile ServingState state;
  private final ServeConfig config;
  private final EventLog log; // may be null: events are then refused
  private final RetrievalConfig retrievalConfig; // every state, the first and each swapped-in one, is built with it
  private final Object ingestLock = new Object();
  private final Object swapLock = new Object(); // one swap at a time
  private final java.util.concurrent.atomic.LongAdder eventsIngested = new java.util.concurrent.atomic.LongAdder();
  private final java.util.concurrent.atomic.LongAdder eventsUnknownItem = new java.util.concurrent.atomic.LongAdder();
  private final java.util.concurrent.atomic.LongAdder eventsCompacted = new java.util.concurrent.atomic.LongAdder();
  private final EventMemory.Evictions evictions = new EventMemory.Evictions();
  /** Ids forgotten since start-up: answered 404 rather than the popularity fallback, until they send events again. */
  private final java.util.Set<String> forgotten = java.util.concurrent.ConcurrentHashMap.newKeySet();
  private volatile java.nio.file.Path startupModelFile; // the file the first state was read from, if any
  private volatile Model trained; // the model as trained or read, before feature-only items were added
  private volatile ColdStart coldStart; // null: no side-feature scoring

  /** A read-only service: no event log. */
  public RecommendationService(Model model, Interactions seen, ServeConfig config) {
    this(model, seen, config, null, List.of());
  }

  /**
   * A service that takes events: the events of {@code replay} (the log's content at start-up) are
   * applied first ({@link ServingState#apply}), then every accepted event is appended to {@code log} before it is acknowledged and folds
   * its user in at once.
   */
  public RecommendationService(Model model, Interactions seen, ServeConfig config, EventLog log,
      List<EventLog.Event> replay) {
    this(model, seen, config, log, replay, RetrievalConfig.DEFAULTS);
  }

  /**
   * As above, with lists retrieved as {@code retrieval} says (exact, ANN or auto); in ANN mode the
   * HNSW graph is built and its recall measured here, and again for each swapped-in model.
   */
  public RecommendationService(Model model, Interactions seen, ServeConfig config, EventLog log,
      List<EventLog.Event> replay, RetrievalConfig retrieval) {
    Objects.requireNonNull(model, "model");
    this.config = Objects.requireNonNull(config, "config");
    this.retrievalConfig = Objects.requireNonNull(retrieval, "retrieval");
    this.log = log;
    ServingState s = new ServingState(model, seen, "in-process", retrievalConfig, config, evictions);
    ServingState.Applied applied = s.apply(replay, config);
    if (!replay.isEmpty()) {
      LOG.info("replayed {} logged events: {} ({})", replay.size(), applied, s.eventsRule());
    }
    this.state = s;
    this.trained = model;
  }

  /**
   * Scores new users and items from side features from now on ({@link ColdStart}): the serving
   * model is rebuilt with the feature-only items, as after every later swap.
   *
   * @throws IllegalArgumentException if the encoders do not fit the model
   */
  public void coldStart(ColdStart cs) throws IOException {
    synchronized (swapLock) {
      cs.check(trained);
      coldStart = cs;
      // Rebuilt (an ANN graph too) only when there are feature-only items to add.
      if (cs.extend(trained) != trained) swap(trained, state.source);
    }
  }

  /**
   * {@code POST /v1/items}: logs the item durably, then serves it at once as a recent item of the
   * serving state ({@link ServingState#withItem}, {@code O(dim)}), scored beside the model's items;
   * the model's item side is rebuilt with the recent items in the background
   * ({@link #mergeRecentItems}), once a burst of posts has paused. An item posted again (new
   * features) is served by a rebuilt state at once, as a swap builds it.
   */
  Api.ItemAdded addItem(Api.ItemRequest req) {
    ColdStart cs = coldStart;
    if (cs == null) throw new ApiException(405, "this server takes no items (serve a model with a MODEL.features file)");
    if (req.item() == null || req.item().isEmpty()) throw new ApiException(400, "give \"item\": the new item's id");
    checkId("item", req.item());
    if (req.features() == null || req.features().isEmpty()) {
      throw new ApiException(400, "give \"features\": an object of field to value(s)");
    }
    synchronized (swapLock) {
      ServingState st = state;
      boolean again = st.itemIndexOf(req.item()) >= 0;
      ColdStartItems.NewItem item = cs.post(trained, req.item(), ColdStart.values(req.features()));
      if (again) {
        try {
          swap(trained, st.source);
        } catch (IOException e) {
          throw new ApiException(503, "the item is logged but the event log could not be read: " + e.getMessage());
        }
      } else {
        synchronized (ingestLock) {
          state = state.withItem(item);
        }
        scheduleMerge();
      }
      ServingState now = state;
      return new Api.ItemAdded(req.item(), now.numItems(), now.version);
    }
  }

  /** Wait after a post before the item side is rebuilt, so that a burst of posts is rebuilt once. */
  static final long MERGE_DELAY_MILLIS = 50;
  private final AtomicBoolean mergeScheduled = new AtomicBoolean();
  private volatile boolean autoMerge = true;

  /** Whether posted items are merged into the model's item side in the background (tests turn it off). */
  void autoMerge(boolean on) {
    autoMerge = on;
  }

  private void scheduleMerge() {
    if (autoMerge && mergeScheduled.compareAndSet(false, true)) {
      Thread.ofPlatform().daemon().name("kindred-item-merge").start(this::mergeSoon);
    }
  }

  private void mergeSoon() {
    try {
      Thread.sleep(MERGE_DELAY_MILLIS);
      mergeRecentItems();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    } catch (RuntimeException e) {
      LOG.warn("posted items stay recent (scanned beside the model) until the next swap: rebuild failed: {}",
          e.toString(), e);
    } finally {
      mergeScheduled.set(false);
    }
    if (!state.recent.isEmpty()) scheduleMerge(); // items posted while this rebuild ran
  }

  /**
   * Appends the serving state's recent items to its model's item side and publishes the rebuilt
   * state ({@link ServingState#rebuiltWith}): the item factors are copied and the retrieval built
   * (panels, Gram matrix, an ANN graph) off the request path and outside the locks, so posts and
   * events wait only for the publication. Items posted meanwhile stay recent in the new state. A
   * swap or forget in between wins: its state already holds every posted item.
   */
  void mergeRecentItems() {
    ServingState st = state;
    if (st.recent.isEmpty()) return;
    long t0 = System.nanoTime();
    LatentFactorModel extended = ColdStartItems.with((LatentFactorModel) st.model, st.recent.items());
    ServingState rebuilt = st.rebuiltWith(extended, retrievalConfig);
    synchronized (swapLock) {
      synchronized (ingestLock) {
        ServingState now = state;
        if (now.model != st.model) return;
        state = rebuilt.withRecent(now.recent.after(st.recent.size(), extended.numItems()));
      }
    }
    LOG.info("{} posted items merged into the model's item side ({} items) in {} ms", st.recent.size(),
        extended.numItems(), String.format("%.1f", (System.nanoTime() - t0) / 1e6));
  }

  /** The model serving now (a later call may see a swapped-in one). */
  public Model model() {
    return state.model;
  }

  /** The serving model's version: a fingerprint of its provenance ({@link ServingState#versionOf}). */
  public String modelVersion() {
    return state.version;
  }

  ServingState state() {
    return state;
  }

  /** The serving model's retrieval: mode and, in ANN mode, the recall measured at start-up (for metrics). */
  public Retrieval retrieval() {
    return state.retrieval;
  }

  /** Events accepted since start-up (not counting the replay). */
  long eventsIngested() {
    return eventsIngested.sum();
  }

  /** Events accepted since start-up on items the serving model did not know (logged for the next training). */
  long eventsUnknownItem() {
    return eventsUnknownItem.sum();
  }

  /** Logged events dropped by compaction since start-up (already in the serving model). */
  long eventsCompacted() {
    return eventsCompacted.sum();
  }

  /** What bounded event memory has dropped since start-up. */
  EventMemory.Evictions evictions() {
    return evictions;
  }

  /** Readiness facts: model kind, algorithm, version, sizes. */
  Api.Readiness describe() {
    ServingState s = state;
    Model model = s.model;
    return new Api.Readiness("ready", model.provenance().algorithm(), model.kind(), s.version, s.source,
        model.numUsers(), s.numItems(), model.provenance().createdAtMillis(), s.loadedAtMillis, s.seen != null,
        s.retrieval.describe());
  }

  /**
   * Replaces the serving model with {@code next} (already read and checksummed, e.g. by
   * {@link dev.kindred.core.ModelFile#read}). Off the request path: builds the new state, checks it
   * (same kind and latent dimension as the serving model, one recommendation computed), re-applies
   * the logged events after the new model's training cut-off ({@link ServingState#apply}), then,
   * holding the ingest lock only to catch up on events logged meanwhile, publishes it. Requests in
   * flight finish on the old state.
   *
   * @return what was swapped: versions and how many events were re-applied
   * @throws IllegalArgumentException if {@code next} cannot replace the serving model (nothing changes)
   * @throws IOException if the event log cannot be read (nothing changes)
   */
  public ModelSwap swap(Model next, String source) throws IOException {
    Objects.requireNonNull(next, "next");
    synchronized (swapLock) {
      ServingState old = state;
      Model base = next;
      ColdStart cs = coldStart;
      if (cs != null) next = cs.extend(base);
      checkCompatible(old.model, next, source);
      ServingState fresh = ServingState.replacing(old, next, source, retrievalConfig, config, evictions);
      smokeTest(fresh, source);
      ServingState.Applied applied = new ServingState.Applied(0, 0, 0);
      long offset = 0;
      if (log != null) {
        EventLog.Replay bulk = EventLog.replayFrom(log.path(), 0);
        applied = applied.plus(fresh.apply(bulk.events(), config));
        offset = bulk.endOffset();
      }
      synchronized (ingestLock) {
        if (log != null) applied = applied.plus(fresh.apply(EventLog.replayFrom(log.path(), offset).events(), config));
        state = fresh;
        trained = base;
      }
      LOG.info("model swapped: {} ({}) -> {} ({}) from {}; logged events: {} ({})", old.version,
          old.model.provenance().algorithm(), fresh.version, next.provenance().algorithm(), source, applied,
          fresh.eventsRule());
      return new ModelSwap(old.version, fresh.version, next.provenance().algorithm(), source, applied.applied(),
          fresh.eventsRule());
    }
  }

  private static void checkCompatible(Model old, Model next, String source) {
    if (!old.kind().equals(next.kind())) {
      throw new IllegalArgumentException(source + ": model kind '" + next.kind() + "' cannot replace the serving '"
          + old.kind() + "' model (restart the server to change the kind)");
    }
    if (old instanceof dev.kindred.core.LatentFactorModel o && next instanceof dev.kindred.core.LatentFactorModel n
        && o.dim() != n.dim()) {
      throw new IllegalArgumentException(source + ": latent dimension " + n.dim() + " does not match the serving "
          + "model's " + o.dim() + " (restart the server to change the dimension)");
    }
    if (next.numUsers() == 0 || next.numItems() == 0) {
      throw new IllegalArgumentException(source + ": the model has " + next.numUsers() + " users and "
          + next.numItems() + " items; nothing to serve");
    }
  }

  /** One recommendation through the new state, so a model that cannot serve is refused now, not on a request. */
  private static void smokeTest(ServingState s, String source) {
    try {
      ScoredItems top = s.recommender.recommend(0, Math.min(10, s.model.numItems()), new RecommendOptions(null, null, null));
      for (float v : top.scores()) {
        if (!Float.isFinite(v)) throw new IllegalArgumentException("a score is " + v);
      }
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(source + ": the model does not serve: " + e.getMessage(), e);
    }
  }

  /**
   * One user's list: for {@code user} (external id) or from {@code history} (item ids, for a user
   * the model does not know), {@code k}, {@code exclude_seen} (default true), {@code exclude} and
   * {@code candidates} (item ids).
   */
  Api.Recommendation recommend(Api.RecommendRequest req) {
    ServingState st = state;
    Model model = st.model;
    int k = k(req.k());
    List<String> unknown = new ArrayList<>();
    int[] exclude = items(st, req.exclude(), unknown);
    int[] candidates = items(st, req.candidates(), unknown);
    String user = req.user();
    List<String> history = req.history();
    CurrentUser cu = user == null ? CurrentUser.NONE : current(st, user);
    int known = cu.index();
    ScoredItems s;
    String source;
    Explainer.History explainFrom = null; // the history the list was scored from, for explanations
    if (cu.folded() && history == null) {
      s = foldIn(st, cu.history(), cu.values(), k, new RecommendOptions(null, exclude, candidates));
      source = "fold-in";
      explainFrom = new Explainer.History(cu.history(), cu.values());
    } else if (known >= 0) {
      boolean excludeSeen = req.excludeSeen() == null || req.excludeSeen();
      s = st.recommender.recommend(known, k, new RecommendOptions(excludeSeen ? st.seen : null, exclude, candidates));
      source = "model";
    } else if (coldStart != null && (req.features() != null
        || (user != null && coldStart.hasUser(user) && !forgotten.contains(user)))) {
      Map<String, List<String>> values = req.features() == null ? null : ColdStart.values(req.features());
      s = coldStart.recommend(st, user, values, k, new RecommendOptions(null, exclude, candidates));
      source = "features";
    } else if (history != null) {
      int[] hist = items(st, history, unknown);
      if (hist.length == 0) {
        throw new ApiException(400, "history has no item known to the model");
      }
      s = foldIn(st, hist, null, k, new RecommendOptions(null, exclude, candidates));
      source = "fold-in";
      explainFrom = new Explainer.History(hist, null);
    } else if (user != null && forgotten.contains(user)) {
      throw new ApiException(404, "unknown user '" + user + "': forgotten on request");
    } else if (user != null && st.popular != null) {
      s = popularFallback(st, k, exclude, candidates);
      source = "popularity-fallback";
    } else if (user != null) {
      throw new ApiException(404, "unknown user '" + user + "' (send a history to fold the user in)");
    } else {
      throw new ApiException(400, "give \"user\" (an id) or \"history\" (a list of item ids)"
          + (coldStart == null ? "" : " or \"features\" (an object of field to value(s))"));
    }
    String retrieval = source.equals("popularity-fallback") ? "popularity"
        : source.equals("features") ? "exact" : st.retrieval.servedBy(candidates != null);
    List<Api.ExplainedItem> explanations = null;
    if (Boolean.TRUE.equals(req.explain())) {
      int top = req.explainTop() == null ? DEFAULT_EXPLAIN_TOP : req.explainTop();
      if (top < 0 || top > config.maxK()) {
        throw new ApiException(400, "\"explain_top\" must be in [0, " + config.maxK() + "], got " + top);
      }
      if (source.equals("model")) explainFrom = st.explainer.history(known, st.seen);
      explanations = explain(st, explainFrom, s, top);
    }
    return new Api.Recommendation(user, source, retrieval, external(st, s), s.scores(), unknown, explanations);
  }

  /** Contributors listed per item when a request asks for explanations without saying how many. */
  static final int DEFAULT_EXPLAIN_TOP = 3;

  /**
   * The explanations of a list scored from history {@code h} (null for the popularity fallback,
   * which no history explains).
   */
  private static List<Api.ExplainedItem> explain(ServingState st, Explainer.History h, ScoredItems s, int top) {
    List<Api.ExplainedItem> out = new ArrayList<>(s.size());
    if (h == null || !st.recent.isEmpty()) {
      // The popularity fallback has no history; recent items are not in the explainer's model until
      // the item side is rebuilt (milliseconds after a post): their lists go unexplained meanwhile.
      for (int j = 0; j < s.size(); j++) {
        out.add(new Api.ExplainedItem(st.itemId(s.items()[j]), s.scores()[j], List.of(), s.scores()[j], "none"));
      }
      return out;
    }
    IdIndex items = st.model.itemIndex();
    for (Explanation e : st.explainer.explain(h, s.items(), s.scores(), top)) {
      List<Api.Contributor> cs = new ArrayList<>(e.contributors().size());
      for (Explanation.Contribution c : e.contributors()) {
        cs.add(new Api.Contributor(items.externalId(c.item()), c.contribution(), c.share()));
      }
      out.add(new Api.ExplainedItem(items.externalId(e.item()), e.score(), cs, e.remainder(),
          e.method().name().toLowerCase(java.util.Locale.ROOT)));
    }
    return out;
  }

  /**
   * A user as every read path sees them on one state: the model's index ({@code -1} when unknown)
   * and, when the user acted since training, the history to fold in (training items followed by the
   * events, later values winning); {@code history} is null when there is nothing to fold in.
   */
  private record CurrentUser(int index, int[] history, float[] values) {
    static final CurrentUser NONE = new CurrentUser(-1, null, null);

    boolean folded() {
      return history != null;
    }
  }

  /** The one definition of "the current user" for recommend, batch and score. */
  private static CurrentUser current(ServingState st, String user) {
    int known = st.model.userIndex().indexOf(user);
    EventMemory.UserEvents recent = st.events.get(user);
    if (recent == null) return new CurrentUser(known, null, null);
    float[][] vals = new float[1][];
    int[] hist = recent.merged(st.seen, known, vals)[0];
    float[] values = vals[0];
    int n = st.numItems();
    if (Arrays.stream(hist).anyMatch(i -> i >= n)) {
      // An event on an item posted after this request read its state: that state cannot score it.
      int[] keep = java.util.stream.IntStream.range(0, hist.length).filter(j -> hist[j] < n).toArray();
      int[] h = new int[keep.length];
      float[] v = values == null ? null : new float[keep.length];
      for (int j = 0; j < keep.length; j++) {
        h[j] = hist[keep[j]];
        if (v != null) v[j] = values[keep[j]];
      }
      return new CurrentUser(known, h, v);
    }
    return new CurrentUser(known, hist, values);
  }

  /** A list folded in from a history; a model that cannot fold users in is a 422. */
  private static ScoredItems foldIn(ServingState st, int[] items, float[] values, int k, RecommendOptions options) {
    try {
      return st.recommender.recommendFromHistory(items, values, k, options);
    } catch (UnsupportedOperationException e) {
      throw new ApiException(422, e.getMessage());
    }
  }

  /** The most popular training items, minus exclusions, within candidates when given. */
  private static ScoredItems popularFallback(ServingState st, int k, int[] exclude, int[] candidates) {
    java.util.Set<Integer> ex = new java.util.HashSet<>();
    if (exclude != null) for (int i : exclude) ex.add(i);
    java.util.Set<Integer> cand = null;
    if (candidates != null) {
      cand = new java.util.HashSet<>();
      for (int i : candidates) cand.add(i);
    }
    int[] items = new int[k];
    float[] scores = new float[k];
    int n = 0;
    for (int i : st.popular) {
      if (n == k) break;
      if (ex.contains(i) || (cand != null && !cand.contains(i))) continue;
      items[n] = i;
      scores[n++] = st.seen.itemDegree(i);
    }
    return new ScoredItems(Arrays.copyOf(items, n), Arrays.copyOf(scores, n));
  }

  /**
   * Takes events: a list under {@code events}, or one event as the body. Every well-formed event is
   * appended to the durable log and acknowledged once durable; events on items the serving model
   * knows are then applied, so the next recommendation for each user reflects them. Events on items
   * the model does not know are logged all the same (the next training learns them, and a swapped-in
   * model that knows the item applies them), counted, and named in the answer.
   *
   * <p>Group commit: the lines are written under the ingest lock, then the request waits, outside
   * it, for an {@code fsync} that covers them ({@link EventLog#awaitDurable}), shared with every
   * request that wrote meanwhile; the events are applied after that, so nothing is visible before it
   * is durable. A swap or forget in between rebuilds the state from the log, which already holds the
   * lines: the events are then applied by that rebuild, not here.
   */
  Api.EventsAccepted ingest(Api.EventsRequest req) {
    if (log == null) throw new ApiException(405, "this server takes no events (start it with an event log)");
    List<Api.Event> raw = req.all();
    if (raw.size() > config.maxBatch()) {
      throw new ApiException(413, raw.size() + " events exceed the limit of " + config.maxBatch() + " per request");
    }
    for (int j = 0; j < raw.size(); j++) {
      Api.Event e = raw.get(j);
      String problem = e == null ? "each event needs \"user\" and \"item\""
          : eventProblem(req.events() == null ? "" : "events[" + j + "].", e.user(), e.item(), e.value());
      if (problem != null) throw new ApiException(400, problem);
    }
    long now = System.currentTimeMillis();
    List<EventLog.Event> events = new ArrayList<>(raw.size());
    for (Api.Event e : raw) events.add(new EventLog.Event(e.user(), e.item(), e.value() == null ? 1f : e.value(), now));
    Logged done;
    try {
      done = logAndApply(events);
    } catch (IllegalArgumentException e) {
      throw new ApiException(400, e.getMessage());
    } catch (IOException e) {
      throw new ApiException(503, "event log write failed: " + e.getMessage());
    }
    return new Api.EventsAccepted(done.accepted(), done.unknownItems());
  }

  /**
   * Why an event cannot be taken, or null when it can: the check {@code POST /v1/events} makes of
   * each event, for any event source. {@code where} prefixes the field names in the message (e.g.
   * {@code "events[3]."}); a null {@code value} means the default 1.
   */
  public String eventProblem(String where, String user, String item, Float value) {
    if (user == null || item == null || user.isEmpty() || item.isEmpty()) {
      return "each event needs \"user\" and \"item\"";
    }
    String problem = EventLog.idProblem(user);
    if (problem != null) return "\"" + where + "user\" " + problem;
    problem = EventLog.idProblem(item);
    if (problem != null) return "\"" + where + "item\" " + problem;
    if (value != null && !config.acceptsValue(value)) {
      return "\"" + where + "value\" must be finite with |value| <= " + config.maxEventValue()
          + " (the server's --max-event-value), got " + value;
    }
    return null;
  }

  /**
   * What {@link #logAndApply} did: events logged, and the ids of the unknown items among them
   * (logged for the next training, not folded in).
   */
  public record Logged(int accepted, List<String> unknownItems) {}

  /**
   * Logs and folds in events that passed {@link #eventProblem}: every event is appended to the event
   * log in one write and is durable under the sync policy (group commit: the lines are written
   * under the ingest lock, the fsync is awaited outside it, so concurrent writers share one) before
   * any is applied; then each user's next recommendation reflects the events on items the model
   * knows. Events on unknown items stay in the log for the next training and are named in the
   * result. The entry point of every event source (HTTP, a stream consumer).
   *
   * @throws IllegalStateException if the server has no event log
   * @throws IllegalArgumentException if an id cannot be logged (nothing was written)
   * @throws IOException if the log write failed (nothing was applied)
   */
  public Logged logAndApply(List<EventLog.Event> events) throws IOException {
    if (log == null) throw new IllegalStateException("this server takes no events (start it with an event log)");
    ServingState st;
    long written;
    synchronized (ingestLock) {
      st = state;
      written = log.write(events);
    }
    log.awaitDurable(written);
    List<String> unknown = new ArrayList<>();
    synchronized (ingestLock) {
      // A posted item or the rebuild of the item side keeps the users' events (same memory, no
      // index moved), and the state now may know items st did not; a swap or forget re-read the
      // log, these lines included.
      ServingState now = state;
      boolean current = now.events == st.events;
      for (EventLog.Event e : events) {
        int idx = now.itemIndexOf(e.item());
        if (idx < 0) {
          unknown.add(e.item());
          continue;
        }
        forgotten.remove(e.user());
        if (current) now.events.add(e.user(), idx, e.value());
      }
    }
    eventsIngested.add(events.size());
    eventsUnknownItem.add(unknown.size());
    return new Logged(events.size(), unknown);
  }

  /** A 400 naming {@code field} when {@code id} cannot be logged as an id ({@link EventLog#idProblem}). */
  private static void checkId(String field, String id) {
    String problem = EventLog.idProblem(id);
    if (problem != null) throw new ApiException(400, "\"" + field + "\" " + problem);
  }

  /**
   * The model file the serving model was read from at start-up, rewritten when a user is forgotten
   * (a swapped-in model's own file is used after a swap). Unset: forgetting changes the serving
   * process and the event log only.
   */
  public void modelFile(java.nio.file.Path file) {
    this.startupModelFile = file;
  }

  /**
   * Forgets {@code user} (the right to erasure): their events are cut from the event log by an
   * atomic compaction, the model file the server reads (when known) is rewritten without them, and
   * the new state (model without the user's factors, seen set and id; events re-applied from the
   * compacted log) is published. Serialised with swaps and event ingestion; requests in flight
   * finish on the old state. Afterwards the user is a 404 (until they send events again).
   *
   * @throws ApiException 404 if neither the model nor the event log knows the user; 503 if a file
   *     could not be rewritten (the log and model file are each either old or new, never torn)
   */
  Api.Forgotten forget(String user) {
    if (user == null || user.isEmpty()) throw new ApiException(400, "give the user id to forget");
    synchronized (swapLock) {
      synchronized (ingestLock) {
        ServingState old = state;
        int u = old.model.userIndex().indexOf(user);
        if (u < 0 && !old.events.holds(user) && !logHas(user)) {
          throw new ApiException(404, "unknown user '" + user + "'");
        }
        Model next = u < 0 ? old.model : Forgetting.withoutUser(old.model, u);
        java.nio.file.Path file = !"in-process".equals(old.source) ? java.nio.file.Path.of(old.source) : startupModelFile;
        int removed;
        try {
          if (u >= 0 && file != null) dev.kindred.core.ModelFile.write(next, file);
          removed = log == null ? 0 : log.removeUser(user);
        } catch (IOException e) {
          throw new ApiException(503, "could not forget '" + user + "': " + e.getMessage());
        }
        ServingState fresh = ServingState.replacing(old, next, old.source, retrievalConfig, config, evictions);
        if (!old.recent.isEmpty()) fresh = fresh.withRecent(old.recent.after(0, fresh.model.numItems()));
        try {
          if (log != null) fresh.apply(EventLog.replay(log.path()), config);
        } catch (IOException e) {
          throw new ApiException(503, "forgot '" + user + "' on disk but could not re-read the event log: "
              + e.getMessage());
        }
        forgotten.add(user);
        state = fresh;
        LOG.info("forgot a user: {} events removed from the log; model {}", removed,
            u < 0 ? "did not know them" : file == null ? "changed in memory only" : "file " + file + " rewritten");
        String note = u >= 0 && file == null
            ? "the model file was not rewritten (the server does not know it): run kindred forget on it before a restart; "
            : "";
        return new Api.Forgotten(user, u >= 0, removed, u >= 0 && file != null ? file.toString() : null, note
            + "item-side parameters still carry the user's aggregate influence until a retrain; the --train data file "
            + "still holds their rows: run kindred forget --data on it");
      }
    }
  }

  /**
   * Drops from the event log every event before the serving model's training cut-off: they are in
   * the model, and a restart or swap to it would skip them anyway. The log is rewritten atomically
   * ({@link EventLog#compactBefore(long)}); swaps and event ingestion wait meanwhile. An operator
   * step, not automatic after a swap: swapping back to an older model (a rollback) needs the events
   * after that model's cut-off, so compact once the new model is known good.
   *
   * @throws ApiException 405 without an event log; 409 when the serving model records no cut-off;
   *     503 if the log could not be rewritten (it is then the old one, whole)
   */
  Api.Compacted compactEvents() {
    if (log == null) throw new ApiException(405, "this server has no event log to compact");
    synchronized (swapLock) {
      synchronized (ingestLock) {
        ServingState st = state;
        if (st.cutoffMillis == Long.MIN_VALUE) {
          throw new ApiException(409, "the serving model (version " + st.version + ") records no training cut-off "
              + "(trained on data without timestamps, or by an older Kindred): no logged event is known to be in it");
        }
        EventLog.Compaction c;
        try {
          c = log.compactBefore(st.cutoffMillis);
        } catch (IOException e) {
          throw new ApiException(503, "could not compact the event log: " + e.getMessage());
        }
        eventsCompacted.add(c.dropped());
        return new Api.Compacted(st.version, java.time.Instant.ofEpochMilli(st.cutoffMillis).toString(), c.dropped(),
            c.kept());
      }
    }
  }

  /** Whether the event log holds an event of {@code user}. */
  private boolean logHas(String user) {
    if (log == null) return false;
    try {
      return EventLog.replay(log.path()).stream().anyMatch(e -> e.user().equals(user));
    } catch (IOException e) {
      throw new ApiException(503, "event log unreadable: " + e.getMessage());
    }
  }

  /** Lists for several users: {@code users}, {@code k}, {@code exclude_seen}. */
  Api.BatchRecommendations recommendBatch(Api.BatchRequest req) {
    List<String> users = req.users();
    if (users == null || users.isEmpty()) {
      throw new ApiException(400, "\"users\" must be a non-empty list of user ids");
    }
    if (users.size() > config.maxBatch()) {
      throw new ApiException(413, "batch of " + users.size() + " users exceeds the limit of " + config.maxBatch());
    }
    ServingState st = state;
    Model model = st.model;
    int k = k(req.k());
    boolean excludeSeen = req.excludeSeen() == null || req.excludeSeen();
    List<String> unknownUsers = new ArrayList<>();
    List<String> known = new ArrayList<>();
    ScoredItems[] lists = new ScoredItems[users.size()];
    int[] idx = new int[users.size()];
    int[] row = new int[users.size()]; // the model users' positions in known, for one recommendAll
    int n = 0;
    for (String u : users) {
      String id = String.valueOf(u); // a JSON null in the list is the unknown id "null", as ever
      CurrentUser cu = current(st, id);
      if (cu.folded()) {
        lists[known.size()] = foldIn(st, cu.history(), cu.values(), k, RecommendOptions.ALL);
        known.add(id);
      } else if (cu.index() >= 0) {
        idx[n] = cu.index();
        row[n++] = known.size();
        known.add(id);
      } else {
        unknownUsers.add(id);
      }
    }
    ScoredItems[] fromModel = st.recommender.recommendAll(Arrays.copyOf(idx, n), k,
        new RecommendOptions(excludeSeen ? st.seen : null, null, null), 1);
    for (int j = 0; j < n; j++) lists[row[j]] = fromModel[j];
    List<Api.UserList> rows = new ArrayList<>(known.size());
    for (int j = 0; j < known.size(); j++) {
      rows.add(new Api.UserList(known.get(j), external(st, lists[j]), lists[j].scores()));
    }
    return new Api.BatchRecommendations(st.retrieval.servedBy(false), rows, unknownUsers);
  }

  Api.SimilarItems similar(String item, int k) {
    checkK(k);
    ServingState st = state;
    int i = st.itemIndexOf(item);
    if (i < 0) throw new ApiException(404, "unknown item '" + item + "'");
    ScoredItems s = st.recommender.similarItems(i, k);
    return new Api.SimilarItems(item, external(st, s), s.scores());
  }

  /** Scores of (user, item) pairs: {@code user} and {@code items}. */
  Api.Scores score(Api.ScoreRequest req) {
    String user = req.user();
    if (user == null) throw new ApiException(400, "\"user\" is required");
    ServingState st = state;
    Model model = st.model;
    CurrentUser cu = current(st, user);
    if (!cu.folded() && cu.index() < 0) throw new ApiException(404, "unknown user '" + user + "'");
    if (req.items() == null) throw new ApiException(400, "\"items\" must be a list of item ids");
    List<String> unknown = new ArrayList<>();
    int[] items = items(st, req.items(), unknown);
    float[] scores;
    if (cu.folded()) {
      try {
        scores = st.recommender.scoreFromHistory(cu.history(), cu.values(), items);
      } catch (UnsupportedOperationException e) {
        throw new ApiException(422, e.getMessage());
      }
    } else {
      scores = new float[items.length];
      for (int j = 0; j < items.length; j++) scores[j] = st.score(cu.index(), items[j]);
    }
    List<String> ids = new ArrayList<>(items.length);
    for (int item : items) ids.add(st.itemId(item));
    return new Api.Scores(user, ids, scores, unknown);
  }

  /** {@code k} of a request, 10 when absent. */
  private int k(Integer k) {
    int v = k == null ? 10 : k;
    checkK(v);
    return v;
  }
  void checkK(int k) {
    if (k < 1 || k > config.maxK()) {
      throw new ApiException(400, "\"k\" must be in [1, " + config.maxK() + "], got " + k);
    }
  }

  /** Item indices of a list of ids (null when absent); unknown ids are collected, not fatal. */
  private static int[] items(ServingState st, List<String> ids, List<String> unknown) {
    if (ids == null) return null;
    int[] out = new int[ids.size()];
    int n = 0;
    for (String id : ids) {
      String x = String.valueOf(id); // a JSON null in the list is the unknown id "null", as ever
      int i = st.itemIndexOf(x);
      if (i < 0) {
        unknown.add(x);
      } else {
        out[n++] = i;
      }
    }
    return Arrays.copyOf(out, n);
  }

  private static List<String> external(ServingState st, ScoredItems s) {
    List<String> ids = new ArrayList<>(s.size());
    for (int i : s.items()) ids.add(st.itemId(i));
    return ids;
  }
}
