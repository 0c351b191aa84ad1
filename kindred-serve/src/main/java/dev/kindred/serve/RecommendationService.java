package dev.kindred.serve;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kindred.core.IdIndex;
import dev.kindred.core.Interactions;
import dev.kindred.core.Model;
import dev.kindred.core.RecommendOptions;
import dev.kindred.core.ScoredItems;
import dev.kindred.serve.retrieval.Retrieval;
import dev.kindred.serve.retrieval.RetrievalConfig;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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

  /** A read-only service: no event log. */
  public RecommendationService(Model model, Interactions seen, ServeConfig config) {
    this(model, seen, config, null, List.of());
  }

  /**
   * A service that takes events: the events of {@code replay} (the log's content at start-up)
   * logged since the model's training cut-off ({@link ServingState#cutoffMillis()}) are applied
   * first, then every accepted event is appended to {@code log} before it is acknowledged and folds
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
    ServingState s = new ServingState(model, seen, "in-process", retrievalConfig);
    int applied = s.apply(replay);
    if (!replay.isEmpty()) {
      LOG.info("re-applied {} of {} logged events ({})", applied, replay.size(), cutoffNote(s));
    }
    this.state = s;
  }

  private static String cutoffNote(ServingState s) {
    return s.cutoffMillis() == Long.MIN_VALUE
        ? "the model records no training time, so every logged event was re-applied"
        : "events from " + java.time.Instant.ofEpochMilli(s.cutoffMillis()) + " on, the model's training cut-off";
  }

  /** A user's events since the model was trained: item indices and values, in arrival order. */
  static final class UserEvents {
    private int[] items = new int[4];
    private float[] values = new float[4];
    private int n;

    synchronized void add(int item, float value) {
      if (n == items.length) {
        items = java.util.Arrays.copyOf(items, 2 * n);
        values = java.util.Arrays.copyOf(values, 2 * n);
      }
      items[n] = item;
      values[n] = value;
      n++;
    }

    /** The history to fold in: training items (if any) followed by the events, later values winning. */
    synchronized int[][] merged(Interactions seen, int user, float[][] valuesOut) {
      java.util.LinkedHashMap<Integer, Float> m = new java.util.LinkedHashMap<>();
      if (seen != null && user >= 0 && user < seen.numUsers()) {
        int[] ptr = seen.userPtr();
        for (int j = ptr[user]; j < ptr[user + 1]; j++) m.put(seen.itemIdx()[j], seen.values()[j]);
      }
      for (int j = 0; j < n; j++) m.put(items[j], values[j]);
      int[] it = new int[m.size()];
      float[] va = new float[m.size()];
      int x = 0;
      for (var e : m.entrySet()) {
        it[x] = e.getKey();
        va[x++] = e.getValue();
      }
      valuesOut[0] = va;
      return new int[][] {it};
    }
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

  /** Readiness facts: model kind, algorithm, version, sizes. */
  Map<String, Object> describe() {
    ServingState s = state;
    Model model = s.model;
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("status", "ready");
    m.put("model", model.provenance().algorithm());
    m.put("kind", model.kind());
    m.put("version", s.version);
    m.put("source", s.source);
    m.put("users", model.numUsers());
    m.put("items", model.numItems());
    m.put("created_at_millis", model.provenance().createdAtMillis());
    m.put("loaded_at_millis", s.loadedAtMillis);
    m.put("exclude_seen_available", s.seen != null);
    m.put("retrieval", s.retrieval.describe());
    return m;
  }

  /**
   * Replaces the serving model with {@code next} (already read and checksummed, e.g. by
   * {@link dev.kindred.core.ModelFile#read}). Off the request path: builds the new state, checks it
   * (same kind and latent dimension as the serving model, one recommendation computed), re-applies
   * the event log from the new model's training cut-off, then, holding the ingest lock only to
   * catch up on events logged meanwhile, publishes it. Requests in flight finish on the old state.
   *
   * @return what was swapped: versions and how many events were re-applied
   * @throws IllegalArgumentException if {@code next} cannot replace the serving model (nothing changes)
   * @throws IOException if the event log cannot be read (nothing changes)
   */
  public Map<String, Object> swap(Model next, String source) throws IOException {
    Objects.requireNonNull(next, "next");
    synchronized (swapLock) {
      ServingState old = state;
      checkCompatible(old.model, next, source);
      ServingState fresh = new ServingState(next, ServingState.onModel(old.seen, next), source, retrievalConfig);
      smokeTest(fresh, source);
      int applied = 0;
      long offset = 0;
      if (log != null) {
        EventLog.Replay bulk = EventLog.replayFrom(log.path(), 0);
        applied += fresh.apply(bulk.events());
        offset = bulk.endOffset();
      }
      synchronized (ingestLock) {
        if (log != null) applied += fresh.apply(EventLog.replayFrom(log.path(), offset).events());
        state = fresh;
      }
      LOG.info("model swapped: {} ({}) -> {} ({}) from {}; {} logged events re-applied ({})", old.version,
          old.model.provenance().algorithm(), fresh.version, next.provenance().algorithm(), source, applied,
          cutoffNote(fresh));
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("previous_version", old.version);
      out.put("version", fresh.version);
      out.put("model", next.provenance().algorithm());
      out.put("source", source);
      out.put("events_reapplied", applied);
      out.put("events_cutoff_millis", fresh.cutoffMillis() == Long.MIN_VALUE ? null : fresh.cutoffMillis());
      out.put("events_rule", cutoffNote(fresh));
      return out;
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
   * One user's list. Body fields: {@code user} (external id) or {@code history} (list of item ids,
   * for a user the model does not know), {@code k}, {@code exclude_seen} (default true),
   * {@code exclude} and {@code candidates} (item ids).
   */
  Map<String, Object> recommend(JsonNode body) {
    ServingState st = state;
    Model model = st.model;
    int k = k(body);
    List<String> unknown = new ArrayList<>();
    int[] exclude = items(model, body.get("exclude"), "exclude", unknown);
    int[] candidates = items(model, body.get("candidates"), "candidates", unknown);
    Map<String, Object> out = new LinkedHashMap<>();
    ScoredItems s;
    JsonNode user = body.get("user");
    JsonNode history = body.get("history");
    UserEvents recent = user == null || user.isNull() ? null : st.events.get(user.asText());
    if (recent != null && (history == null || !history.isArray())) {
      // The user acted since training: fold in training history plus events, so the list reflects them.
      float[][] vals = new float[1][];
      int[] hist = recent.merged(st.seen, model.userIndex().indexOf(user.asText()), vals)[0];
      try {
        s = st.recommender.recommendFromHistory(hist, vals[0], k, new RecommendOptions(null, exclude, candidates));
      } catch (UnsupportedOperationException e) {
        throw new ApiException(422, e.getMessage());
      }
      out.put("user", user.asText());
      out.put("source", "fold-in");
    } else if (user != null && !user.isNull() && model.userIndex().indexOf(user.asText()) >= 0) {
      int u = model.userIndex().indexOf(user.asText());
      boolean excludeSeen = !body.has("exclude_seen") || body.get("exclude_seen").asBoolean(true);
      RecommendOptions o = new RecommendOptions(excludeSeen ? st.seen : null, exclude, candidates);
      s = st.recommender.recommend(u, k, o);
      out.put("user", user.asText());
      out.put("source", "model");
    } else if (history != null && history.isArray()) {
      int[] hist = items(model, history, "history", unknown);
      if (hist == null || hist.length == 0) {
        throw new ApiException(400, "history has no item known to the model");
      }
      try {
        s = st.recommender.recommendFromHistory(hist, null, k, new RecommendOptions(null, exclude, candidates));
      } catch (UnsupportedOperationException e) {
        throw new ApiException(422, e.getMessage());
      }
      if (user != null && !user.isNull()) out.put("user", user.asText());
      out.put("source", "fold-in");
    } else if (user != null && !user.isNull() && st.popular != null) {
      s = popularFallback(st, k, exclude, candidates);
      out.put("user", user.asText());
      out.put("source", "popularity-fallback");
    } else if (user != null && !user.isNull()) {
      throw new ApiException(404, "unknown user '" + user.asText() + "' (send a history to fold the user in)");
    } else {
      throw new ApiException(400, "give \"user\" (an id) or \"history\" (a list of item ids)");
    }
    out.put("retrieval", "popularity-fallback".equals(out.get("source")) ? "popularity"
        : st.retrieval.servedBy(candidates != null));
    out.put("items", external(model, s));
    out.put("scores", s.scores());
    if (!unknown.isEmpty()) out.put("unknown_items", unknown);
    return out;
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
    return new ScoredItems(java.util.Arrays.copyOf(items, n), java.util.Arrays.copyOf(scores, n));
  }

  /**
   * Takes events: {@code {"events": [{"user", "item", "value"?}, ...]}} (or one event as the body).
   * Known items are appended to the durable log, then applied; the next recommendation for each
   * user reflects them. Unknown items are reported and skipped.
   */
  Map<String, Object> ingest(JsonNode body) {
    if (log == null) throw new ApiException(405, "this server takes no events (start it with an event log)");
    JsonNode list = body.has("events") ? body.get("events") : null;
    List<JsonNode> raw = new ArrayList<>();
    if (list != null) {
      if (!list.isArray()) throw new ApiException(400, "\"events\" must be a list");
      list.forEach(raw::add);
    } else {
      raw.add(body);
    }
    if (raw.size() > config.maxBatch()) {
      throw new ApiException(413, raw.size() + " events exceed the limit of " + config.maxBatch() + " per request");
    }
    for (JsonNode e : raw) {
      JsonNode u = e.get("user");
      JsonNode i = e.get("item");
      if (u == null || i == null || u.asText().isEmpty() || i.asText().isEmpty()) {
        throw new ApiException(400, "each event needs \"user\" and \"item\"");
      }
      JsonNode v = e.get("value");
      if (v != null && !v.isNumber()) throw new ApiException(400, "\"value\" must be a number, got " + v);
      if (v != null && !Float.isFinite((float) v.asDouble())) throw new ApiException(400, "\"value\" must be finite");
    }
    List<EventLog.Event> accepted = new ArrayList<>();
    List<String> unknown = new ArrayList<>();
    // Under the lock, the events are checked against, logged for and applied to one state, and a
    // swap cannot publish a new state between the log write and the apply.
    synchronized (ingestLock) {
      ServingState st = state;
      List<Integer> itemIdx = new ArrayList<>();
      long now = System.currentTimeMillis();
      for (JsonNode e : raw) {
        String item = e.get("item").asText();
        int idx = st.model.itemIndex().indexOf(item);
        if (idx < 0) {
          unknown.add(item);
          continue;
        }
        JsonNode v = e.get("value");
        accepted.add(new EventLog.Event(e.get("user").asText(), item, v == null ? 1f : (float) v.asDouble(), now));
        itemIdx.add(idx);
      }
      try {
        if (!accepted.isEmpty()) log.append(accepted);
      } catch (IllegalArgumentException e) {
        throw new ApiException(400, e.getMessage());
      } catch (IOException e) {
        throw new ApiException(503, "event log write failed: " + e.getMessage());
      }
      for (int j = 0; j < accepted.size(); j++) {
        st.events.computeIfAbsent(accepted.get(j).user(), x -> new UserEvents())
            .add(itemIdx.get(j), accepted.get(j).value());
      }
    }
    eventsIngested.add(accepted.size());
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("accepted", accepted.size());
    if (!unknown.isEmpty()) out.put("unknown_items", unknown);
    return out;
  }

  /** Lists for several users: {@code users}, {@code k}, {@code exclude_seen}. */
  Map<String, Object> recommendBatch(JsonNode body) {
    JsonNode users = body.get("users");
    if (users == null || !users.isArray() || users.isEmpty()) {
      throw new ApiException(400, "\"users\" must be a non-empty list of user ids");
    }
    if (users.size() > config.maxBatch()) {
      throw new ApiException(413, "batch of " + users.size() + " users exceeds the limit of " + config.maxBatch());
    }
    ServingState st = state;
    Model model = st.model;
    int k = k(body);
    boolean excludeSeen = !body.has("exclude_seen") || body.get("exclude_seen").asBoolean(true);
    List<String> unknownUsers = new ArrayList<>();
    List<String> known = new ArrayList<>();
    List<Integer> idx = new ArrayList<>();
    for (JsonNode u : users) {
      int i = model.userIndex().indexOf(u.asText());
      if (i < 0) {
        unknownUsers.add(u.asText());
      } else {
        known.add(u.asText());
        idx.add(i);
      }
    }
    ScoredItems[] lists = st.recommender.recommendAll(idx.stream().mapToInt(Integer::intValue).toArray(), k,
        new RecommendOptions(excludeSeen ? st.seen : null, null, null), 1);
    List<Map<String, Object>> rows = new ArrayList<>();
    for (int j = 0; j < lists.length; j++) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("user", known.get(j));
      row.put("items", external(model, lists[j]));
      row.put("scores", lists[j].scores());
      rows.add(row);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("retrieval", st.retrieval.servedBy(false));
    out.put("recommendations", rows);
    if (!unknownUsers.isEmpty()) out.put("unknown_users", unknownUsers);
    return out;
  }

  Map<String, Object> similar(String item, int k) {
    checkK(k);
    ServingState st = state;
    int i = st.model.itemIndex().indexOf(item);
    if (i < 0) throw new ApiException(404, "unknown item '" + item + "'");
    ScoredItems s = st.recommender.similarItems(i, k);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("item", item);
    out.put("items", external(st.model, s));
    out.put("scores", s.scores());
    return out;
  }

  /** Scores of (user, item) pairs: {@code user} and {@code items}. */
  Map<String, Object> score(JsonNode body) {
    JsonNode user = body.get("user");
    if (user == null || user.isNull()) throw new ApiException(400, "\"user\" is required");
    Model model = state.model;
    int u = model.userIndex().indexOf(user.asText());
    if (u < 0) throw new ApiException(404, "unknown user '" + user.asText() + "'");
    List<String> unknown = new ArrayList<>();
    int[] items = items(model, body.get("items"), "items", unknown);
    if (items == null) throw new ApiException(400, "\"items\" must be a list of item ids");
    float[] scores = new float[items.length];
    List<String> ids = new ArrayList<>();
    for (int j = 0; j < items.length; j++) {
      scores[j] = model.score(u, items[j]);
      ids.add(model.itemIndex().externalId(items[j]));
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("user", user.asText());
    out.put("items", ids);
    out.put("scores", scores);
    if (!unknown.isEmpty()) out.put("unknown_items", unknown);
    return out;
  }

  private int k(JsonNode body) {
    JsonNode n = body.get("k");
    if (n == null) return 10;
    if (!n.canConvertToInt()) throw new ApiException(400, "\"k\" must be an integer, got " + n);
    int k = n.asInt();
    checkK(k);
    return k;
  }

  void checkK(int k) {
    if (k < 1 || k > config.maxK()) {
      throw new ApiException(400, "\"k\" must be in [1, " + config.maxK() + "], got " + k);
    }
  }

  /** Item indices of a JSON list of ids (null when absent); unknown ids are collected, not fatal. */
  private static int[] items(Model model, JsonNode list, String field, List<String> unknown) {
    if (list == null || list.isNull()) return null;
    if (!list.isArray()) throw new ApiException(400, "\"" + field + "\" must be a list of item ids");
    IdIndex ii = model.itemIndex();
    int[] out = new int[list.size()];
    int n = 0;
    for (JsonNode x : list) {
      int i = ii.indexOf(x.asText());
      if (i < 0) {
        unknown.add(x.asText());
      } else {
        out[n++] = i;
      }
    }
    return java.util.Arrays.copyOf(out, n);
  }

  private static List<String> external(Model model, ScoredItems s) {
    List<String> ids = new ArrayList<>(s.size());
    for (int i : s.items()) ids.add(model.itemIndex().externalId(i));
    return ids;
  }
}
