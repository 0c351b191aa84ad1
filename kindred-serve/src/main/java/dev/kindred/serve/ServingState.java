package dev.kindred.serve;

import dev.kindred.core.IdIndex;
import dev.kindred.core.Interactions;
import dev.kindred.core.Model;
import dev.kindred.core.Recommender;
import dev.kindred.serve.retrieval.Retrieval;
import dev.kindred.serve.retrieval.RetrievalConfig;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.CRC32C;

/**
 * Everything the server answers from for one model: the model, its recommender, the training
 * interactions on the model's indices, the popularity order for unknown users, and the users'
 * events since the model's training cut-off (item indices of this model). Built whole, off the
 * request path, then published through one volatile reference in {@link RecommendationService}; a
 * request reads that reference once and finishes on the state it read, so a model swap never mixes
 * two models' indices within a request.
 *
 * <p>Thread-safety: every field is final and immutable except {@link #events}, a concurrent map of
 * per-user event lists that are themselves synchronised.
 */
final class ServingState {

  final Model model;
  final Recommender recommender;
  final Retrieval retrieval; // exact or ANN: recommender above is its recommender
  final Interactions seen; // may be null: then "exclude seen" has nothing to exclude
  final int[] popular; // items by training popularity, for unknown users; null without seen
  final ConcurrentHashMap<String, RecommendationService.UserEvents> events = new ConcurrentHashMap<>();
  final dev.kindred.core.Explainer explainer; // splits this model's scores over a user's history
  final String version;
  final String source; // where the model came from: a file path, or "in-process"
  final long loadedAtMillis;

  ServingState(Model model, Interactions seen, String source) {
    this(model, seen, source, RetrievalConfig.DEFAULTS);
  }

  /** A state whose lists come from the retrieval {@code retrievalConfig} asks for (an ANN graph is built here). */
  ServingState(Model model, Interactions seen, String source, RetrievalConfig retrievalConfig) {
    this.model = model;
    this.retrieval = Retrieval.build(model, seen, retrievalConfig);
    this.recommender = retrieval.recommender();
    this.seen = seen;
    this.popular = seen == null ? null : byPopularity(seen);
    this.explainer = dev.kindred.core.Explainer.of(model);
    this.version = versionOf(model);
    this.source = source;
    this.loadedAtMillis = System.currentTimeMillis();
  }

  /**
   * Applies the logged events whose items this model knows and whose values {@code limits} accepts
   * (a log written before the bound may hold larger ones); returns how many. Every logged event is
   * applied, whenever it was logged: a model file does not record which events its training data
   * held (a model trained after an event is not necessarily trained on it), and re-applying an event
   * the model did learn only repeats an entry of the user's history (the fold-in merges history and
   * events, later values winning), while skipping one it never saw would show the user items they
   * already used.
   */
  int apply(Iterable<EventLog.Event> log, ServeConfig limits) {
    IdIndex items = model.itemIndex();
    int applied = 0;
    for (EventLog.Event e : log) {
      if (!limits.acceptsValue(e.value())) continue;
      int i = items.indexOf(e.item());
      if (i < 0) continue;
      events.computeIfAbsent(e.user(), u -> new RecommendationService.UserEvents()).add(i, e.value());
      applied++;
    }
    return applied;
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
