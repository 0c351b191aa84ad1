package dev.kindred.serve;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kindred.core.IdIndex;
import dev.kindred.core.Interactions;
import dev.kindred.core.Model;
import dev.kindred.core.RecommendOptions;
import dev.kindred.core.Recommender;
import dev.kindred.core.Recommenders;
import dev.kindred.core.ScoredItems;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The request logic behind the HTTP routes, in external ids: recommend for a known user, or fold
 * in a user given as a history; batch; similar items; scores. Unknown item ids in exclusion or
 * candidate lists are reported back, not fatal; an unknown user is a 404 unless a history is given.
 * Thread-safe (the model and recommender are immutable).
 */
public final class RecommendationService {

  private final Model model;
  private final Recommender recommender;
  private final Interactions seen; // may be null: then "exclude seen" has nothing to exclude
  private final ServeConfig config;
  private final EventLog log; // may be null: events are then refused
  private final ConcurrentHashMap<String, UserEvents> events = new ConcurrentHashMap<>();
  private final int[] popular; // items by training popularity, for unknown users; null without seen

  /** A read-only service: no event log. */
  public RecommendationService(Model model, Interactions seen, ServeConfig config) {
    this(model, seen, config, null, List.of());
  }

  /**
   * A service that takes events: {@code replay} (the log's content at start-up) is applied first,
   * then every accepted event is appended to {@code log} before it is acknowledged and folds its
   * user in at once.
   */
  public RecommendationService(Model model, Interactions seen, ServeConfig config, EventLog log,
      List<EventLog.Event> replay) {
    this.model = Objects.requireNonNull(model, "model");
    this.recommender = Recommenders.of(model);
    this.seen = seen;
    this.config = Objects.requireNonNull(config, "config");
    this.log = log;
    this.popular = seen == null ? null : byPopularity(seen);
    for (EventLog.Event e : replay) {
      int i = model.itemIndex().indexOf(e.item());
      if (i >= 0) events.computeIfAbsent(e.user(), u -> new UserEvents()).add(i, e.value());
    }
  }

  private static int[] byPopularity(Interactions seen) {
    Integer[] order = new Integer[seen.numItems()];
    for (int i = 0; i < order.length; i++) order[i] = i;
    java.util.Arrays.sort(order, (a, b) -> seen.itemDegree(a) != seen.itemDegree(b)
        ? Integer.compare(seen.itemDegree(b), seen.itemDegree(a)) : Integer.compare(a, b));
    int[] out = new int[order.length];
    for (int i = 0; i < out.length; i++) out[i] = order[i];
    return out;
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

  public Model model() {
    return model;
  }

  /** Readiness facts: model kind, algorithm, sizes. */
  Map<String, Object> describe() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("status", "ready");
    m.put("model", model.provenance().algorithm());
    m.put("kind", model.kind());
    m.put("users", model.numUsers());
    m.put("items", model.numItems());
    m.put("created_at_millis", model.provenance().createdAtMillis());
    m.put("exclude_seen_available", seen != null);
    return m;
  }

  /**
   * One user's list. Body fields: {@code user} (external id) or {@code history} (list of item ids,
   * for a user the model does not know), {@code k}, {@code exclude_seen} (default true),
   * {@code exclude} and {@code candidates} (item ids).
   */
  Map<String, Object> recommend(JsonNode body) {
    int k = k(body);
    List<String> unknown = new ArrayList<>();
    int[] exclude = items(body.get("exclude"), "exclude", unknown);
    int[] candidates = items(body.get("candidates"), "candidates", unknown);
    Map<String, Object> out = new LinkedHashMap<>();
    ScoredItems s;
    JsonNode user = body.get("user");
    JsonNode history = body.get("history");
    UserEvents recent = user == null || user.isNull() ? null : events.get(user.asText());
    if (recent != null && (history == null || !history.isArray())) {
      // The user acted since training: fold in training history plus events, so the list reflects them.
      float[][] vals = new float[1][];
      int[] hist = recent.merged(seen, model.userIndex().indexOf(user.asText()), vals)[0];
      try {
        s = recommender.recommendFromHistory(hist, vals[0], k, new RecommendOptions(null, exclude, candidates));
      } catch (UnsupportedOperationException e) {
        throw new ApiException(422, e.getMessage());
      }
      out.put("user", user.asText());
      out.put("source", "fold-in");
    } else if (user != null && !user.isNull() && model.userIndex().indexOf(user.asText()) >= 0) {
      int u = model.userIndex().indexOf(user.asText());
      boolean excludeSeen = !body.has("exclude_seen") || body.get("exclude_seen").asBoolean(true);
      RecommendOptions o = new RecommendOptions(excludeSeen ? seen : null, exclude, candidates);
      s = recommender.recommend(u, k, o);
      out.put("user", user.asText());
      out.put("source", "model");
    } else if (history != null && history.isArray()) {
      int[] hist = items(history, "history", unknown);
      if (hist == null || hist.length == 0) {
        throw new ApiException(400, "history has no item known to the model");
      }
      try {
        s = recommender.recommendFromHistory(hist, null, k, new RecommendOptions(null, exclude, candidates));
      } catch (UnsupportedOperationException e) {
        throw new ApiException(422, e.getMessage());
      }
      if (user != null && !user.isNull()) out.put("user", user.asText());
      out.put("source", "fold-in");
    } else if (user != null && !user.isNull() && popular != null) {
      s = popularFallback(k, exclude, candidates);
      out.put("user", user.asText());
      out.put("source", "popularity-fallback");
    } else if (user != null && !user.isNull()) {
      throw new ApiException(404, "unknown user '" + user.asText() + "' (send a history to fold the user in)");
    } else {
      throw new ApiException(400, "give \"user\" (an id) or \"history\" (a list of item ids)");
    }
    out.put("items", external(s));
    out.put("scores", s.scores());
    if (!unknown.isEmpty()) out.put("unknown_items", unknown);
    return out;
  }

  /** The most popular training items, minus exclusions, within candidates when given. */
  private ScoredItems popularFallback(int k, int[] exclude, int[] candidates) {
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
    for (int i : popular) {
      if (n == k) break;
      if (ex.contains(i) || (cand != null && !cand.contains(i))) continue;
      items[n] = i;
      scores[n++] = seen.itemDegree(i);
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
    List<EventLog.Event> accepted = new ArrayList<>();
    List<Integer> itemIdx = new ArrayList<>();
    List<String> unknown = new ArrayList<>();
    long now = System.currentTimeMillis();
    for (JsonNode e : raw) {
      JsonNode u = e.get("user");
      JsonNode i = e.get("item");
      if (u == null || i == null || u.asText().isEmpty() || i.asText().isEmpty()) {
        throw new ApiException(400, "each event needs \"user\" and \"item\"");
      }
      JsonNode v = e.get("value");
      if (v != null && !v.isNumber()) throw new ApiException(400, "\"value\" must be a number, got " + v);
      float value = v == null ? 1f : (float) v.asDouble();
      if (!Float.isFinite(value)) throw new ApiException(400, "\"value\" must be finite");
      int idx = model.itemIndex().indexOf(i.asText());
      if (idx < 0) {
        unknown.add(i.asText());
        continue;
      }
      accepted.add(new EventLog.Event(u.asText(), i.asText(), value, now));
      itemIdx.add(idx);
    }
    try {
      if (!accepted.isEmpty()) log.append(accepted);
    } catch (IllegalArgumentException e) {
      throw new ApiException(400, e.getMessage());
    } catch (java.io.IOException e) {
      throw new ApiException(503, "event log write failed: " + e.getMessage());
    }
    for (int j = 0; j < accepted.size(); j++) {
      events.computeIfAbsent(accepted.get(j).user(), x -> new UserEvents()).add(itemIdx.get(j), accepted.get(j).value());
    }
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
    ScoredItems[] lists = recommender.recommendAll(idx.stream().mapToInt(Integer::intValue).toArray(), k,
        new RecommendOptions(excludeSeen ? seen : null, null, null), 1);
    List<Map<String, Object>> rows = new ArrayList<>();
    for (int j = 0; j < lists.length; j++) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("user", known.get(j));
      row.put("items", external(lists[j]));
      row.put("scores", lists[j].scores());
      rows.add(row);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("recommendations", rows);
    if (!unknownUsers.isEmpty()) out.put("unknown_users", unknownUsers);
    return out;
  }

  Map<String, Object> similar(String item, int k) {
    checkK(k);
    int i = model.itemIndex().indexOf(item);
    if (i < 0) throw new ApiException(404, "unknown item '" + item + "'");
    ScoredItems s = recommender.similarItems(i, k);
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("item", item);
    out.put("items", external(s));
    out.put("scores", s.scores());
    return out;
  }

  /** Scores of (user, item) pairs: {@code user} and {@code items}. */
  Map<String, Object> score(JsonNode body) {
    JsonNode user = body.get("user");
    if (user == null || user.isNull()) throw new ApiException(400, "\"user\" is required");
    int u = model.userIndex().indexOf(user.asText());
    if (u < 0) throw new ApiException(404, "unknown user '" + user.asText() + "'");
    List<String> unknown = new ArrayList<>();
    int[] items = items(body.get("items"), "items", unknown);
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
  private int[] items(JsonNode list, String field, List<String> unknown) {
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

  private List<String> external(ScoredItems s) {
    List<String> ids = new ArrayList<>(s.size());
    for (int i : s.items()) ids.add(model.itemIndex().externalId(i));
    return ids;
  }
}
