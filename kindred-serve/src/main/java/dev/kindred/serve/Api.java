package dev.kindred.serve;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.type.LogicalType;
import java.util.List;
import java.util.Map;

/**
 * The JSON bodies of the HTTP API, one record per route and direction. Components are camelCase
 * and appear on the wire in snake_case ({@link #JSON}'s naming strategy), in declaration order.
 * Optional response fields are left out when absent ({@code user} of an anonymous fold-in) or empty
 * ({@code unknown_items}); every other field is always written, {@code null} included.
 *
 * <p>Requests are read leniently where the API always was: unknown fields are ignored, ids may be
 * numbers ({@code "user": 7} is user {@code "7"}), a missing or {@code null} field takes its
 * default. Numbers given as strings are refused ({@code "k": "5"} is a 400), as before; so are ids
 * given as objects, lists or booleans.
 */
final class Api {

  private Api() {}

  /** The mapper for every request and response body. Thread-safe once built. */
  static final ObjectMapper JSON = JsonMapper.builder()
      .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .withCoercionConfig(LogicalType.Integer, c -> c.setCoercion(CoercionInputShape.String, CoercionAction.Fail))
      .withCoercionConfig(LogicalType.Float, c -> c.setCoercion(CoercionInputShape.String, CoercionAction.Fail))
      .withCoercionConfig(LogicalType.Textual, c -> c.setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
      .build();

  /** Every error: {@code error} for the client; {@code error_id} only on a 500, naming the server log entry. */
  record ErrorBody(String error, @JsonInclude(JsonInclude.Include.NON_NULL) String errorId) {
    ErrorBody(String error) {
      this(error, null);
    }
  }

  /** {@code GET /healthz}. */
  record Health(String status) {}

  /**
   * {@code GET /readyz}: what is serving; {@code retrieval} is
   * {@link dev.kindred.serve.retrieval.Retrieval#describe}.
   */
  record Readiness(String status, String model, String kind, String version, String source, int users, int items,
      long createdAtMillis, long loadedAtMillis, boolean excludeSeenAvailable, Map<String, Object> retrieval) {}

  /**
   * {@code POST /v1/recommend} and {@code GET /v1/users/{user}/recommendations}; {@code explain}
   * asks for each item's top {@code explain_top} (default 3) contributing history items.
   */
  record RecommendRequest(String user, List<String> history, Integer k, List<String> exclude, List<String> candidates,
      Boolean excludeSeen, Boolean explain, Integer explainTop, Map<String, Object> features) {
    /** A request without side features. */
    RecommendRequest(String user, List<String> history, Integer k, List<String> exclude, List<String> candidates,
        Boolean excludeSeen, Boolean explain, Integer explainTop) {
      this(user, history, k, exclude, candidates, excludeSeen, explain, explainTop, null);
    }
  }

  /** One list: {@code source} is model, fold-in or popularity-fallback; {@code retrieval} exact, ann or popularity. */
  record Recommendation(@JsonInclude(JsonInclude.Include.NON_NULL) String user, String source, String retrieval,
      List<String> items, float[] scores, @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> unknownItems,
      @JsonInclude(JsonInclude.Include.NON_NULL) List<ExplainedItem> explanations) {}

  /**
   * Why one listed item scored as it did ({@link dev.kindred.core.Explanation}): its largest
   * contributors from the user's history and the remainder they leave; {@code method} is exact,
   * similarity (an approximation, MF-SGD / BPR) or none (popularity).
   */
  record ExplainedItem(String item, float score, List<Contributor> contributors, float remainder, String method) {}

  /** One history item's part of a score, and its share of it. */
  record Contributor(String item, float contribution, float share) {}

  /**
   * {@code DELETE /v1/users/{user}}: what was removed. {@code modelFile} is the file rewritten
   * without the user (null when the model was not read from a file, or did not know the user).
   */
  record Forgotten(String user, boolean inModel, int eventsRemoved,
      @JsonInclude(JsonInclude.Include.NON_NULL) String modelFile, String note) {}

  /** {@code POST /v1/recommend/batch}. */
  record BatchRequest(List<String> users, Integer k, Boolean excludeSeen) {}

  record BatchRecommendations(String retrieval, List<UserList> recommendations,
      @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> unknownUsers) {}

  /** One known user's list in a batch. */
  record UserList(String user, List<String> items, float[] scores) {}

  /** {@code GET /v1/items/{item}/similar}. */
  record SimilarItems(String item, List<String> items, float[] scores) {}

  /** {@code POST /v1/score}. */
  record ScoreRequest(String user, List<String> items) {}

  record Scores(String user, List<String> items, float[] scores,
      @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> unknownItems) {}

  /** {@code POST /v1/events}: a list of events, or one event as the body itself. */
  record EventsRequest(List<Event> events, String user, String item, Float value) {
    /** The events of the request: the list when given, else the body as one event. */
    List<Event> all() {
      return events != null ? events : List.of(new Event(user, item, value));
    }
  }

  /** One interaction; {@code value} defaults to 1. */
  record Event(String user, String item, Float value) {}

  record EventsAccepted(int accepted, @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> unknownItems) {}

  /**
   * {@code POST /v1/admin/compact-events}: the events before the serving model's cut-off dropped from the log.
   *
   * @param version the serving model's version
   * @param cutoff its training cut-off (ISO-8601)
   * @param dropped lines dropped
   * @param kept lines kept
   */
  record Compacted(String version, String cutoff, int dropped, int kept) {}
  /** {@code POST /v1/items}: a new item and its side features, field to a value or a list of values. */
  record ItemRequest(String item, Map<String, Object> features) {}

  /** The answer to {@code POST /v1/items}: the item, the catalogue size and the serving version now. */
  record ItemAdded(String item, int items, String version) {}

  /** {@code POST /v1/admin/model}. */
  record SwapRequest(String path) {}

  /**
   * The outcome of a swap attempt, answered by {@code POST /v1/admin/model} and kept as
   * {@code last_swap}: what was swapped when it worked, the reason when not.
   */
  record SwapOutcome(String trigger, String path, long atMillis, @JsonUnwrapped ModelSwap swap, boolean ok,
      @JsonInclude(JsonInclude.Include.NON_NULL) String error) {}

  /** {@code GET /v1/admin/model}: the readiness facts, the last swap and the watched file, when any. */
  record AdminModel(@JsonUnwrapped Readiness readiness,
      @JsonInclude(JsonInclude.Include.NON_NULL) SwapOutcome lastSwap,
      @JsonInclude(JsonInclude.Include.NON_NULL) String watching) {}
}
