package dev.kindred.serve;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The server's Micrometer meters, scraped in Prometheus text format at {@code GET /metrics}.
 *
 * <ul>
 *   <li>{@code kindred_http_requests_seconds} (timer with histogram buckets, 100 us to 10 s; tags
 *       {@code route}, {@code status}): count, sum and latency buckets of every routed request.
 *   <li>{@code kindred_http_errors_total} ({@code route}, {@code status}): responses with status >= 400.
 *   <li>{@code kindred_requests_shed_total} ({@code reason}: {@code queue_full}, {@code timeout}):
 *       503s from load shedding; {@code kindred_requests_in_flight}, {@code kindred_requests_queued}.
 *   <li>{@code kindred_events_ingested_total}: events accepted by {@code POST /v1/events};
 *       {@code kindred_events_unknown_item_total}: of those, on items the serving model did not know
 *       (logged for the next training, not folded in); {@code kindred_events_held}: events held in
 *       memory for fold-in; {@code kindred_events_evicted_total} ({@code reason}: {@code per_user},
 *       {@code total}) and {@code kindred_events_evicted_users_total}: what the memory bounds dropped
 *       (still in the log); {@code kindred_events_compacted_total}: log lines dropped by compaction.
 *   <li>{@code kindred_model_info} (value 1; tags {@code version}, {@code kind}, {@code algorithm},
 *       {@code trained_at}, {@code retrieval}): the serving model; {@code kindred_model_swaps_total}
 *       ({@code result}); {@code kindred_retrieval_recall}: ANN recall@K against exact measured when
 *       the model was loaded (NaN with exact retrieval).
 *   <li>JVM memory and threads, process CPU, uptime.
 * </ul>
 *
 * <p>Recording a request is a status-indexed array read and one {@link Timer#record}: the timer for
 * each (route, status) is registered once, on first use. Thread-safe.
 */
final class ServerMetrics {

  private static final int STATUSES = 600;

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final Map<String, Route> routes = new ConcurrentHashMap<>();
  private final Counter shedQueueFull;
  private final Counter shedTimeout;
  private final Counter swapsOk;
  private final Counter swapsRefused;
  private final RecommendationService service;
  private volatile String infoVersion;
  private volatile Gauge info;

  ServerMetrics(RecommendationService service, AdmissionControl admission) {
    this.service = service;
    shedQueueFull = Counter.builder("kindred.requests.shed").tag("reason", "queue_full")
        .description("requests refused with 503 by load shedding").register(registry);
    shedTimeout = Counter.builder("kindred.requests.shed").tag("reason", "timeout")
        .description("requests refused with 503 by load shedding").register(registry);
    swapsOk = Counter.builder("kindred.model.swaps").tag("result", "ok").description("model hot swaps")
        .register(registry);
    swapsRefused = Counter.builder("kindred.model.swaps").tag("result", "refused").description("model hot swaps")
        .register(registry);
    Gauge.builder("kindred.requests.in.flight", admission, AdmissionControl::inFlight)
        .description("requests holding a work slot").register(registry);
    Gauge.builder("kindred.requests.queued", admission, AdmissionControl::waiting)
        .description("requests waiting for a work slot").register(registry);
    Gauge.builder("kindred.retrieval.recall", service, x -> x.retrieval().recall().orElse(Double.NaN))
        .description("ANN recall@K vs exact on a user sample, measured at model load (NaN: exact retrieval)")
        .register(registry);
    FunctionCounter.builder("kindred.exact.combined.requests", service, x -> x.retrieval().combinedRequests())
        .description("exact requests scored in combined passes (restarts from 0 at a model swap)").register(registry);
    FunctionCounter.builder("kindred.exact.passes", service, x -> x.retrieval().combinedPasses())
        .description("combined exact passes over the items; requests / passes is the mean batch").register(registry);
    FunctionCounter.builder("kindred.events.ingested", service, RecommendationService::eventsIngested)
        .description("events accepted by POST /v1/events since start-up").register(registry);
    FunctionCounter.builder("kindred.events.unknown.item", service, RecommendationService::eventsUnknownItem)
        .description("events accepted on items the serving model did not know (logged, not folded in)")
        .register(registry);
    Gauge.builder("kindred.events.held", service, x -> x.state().events.held())
        .description("events since the model's cut-off held in memory for fold-in").register(registry);
    EventMemory.Evictions ev = service.evictions();
    FunctionCounter.builder("kindred.events.evicted", ev, x -> x.perUser.sum()).tag("reason", "per_user")
        .description("events dropped from memory (not from the log) by the memory bounds").register(registry);
    FunctionCounter.builder("kindred.events.evicted", ev, x -> x.total.sum()).tag("reason", "total")
        .description("events dropped from memory (not from the log) by the memory bounds").register(registry);
    FunctionCounter.builder("kindred.events.evicted.users", ev, x -> x.users.sum())
        .description("users whose held events were all dropped when the total bound was passed").register(registry);
    FunctionCounter.builder("kindred.events.compacted", service, RecommendationService::eventsCompacted)
        .description("event log lines dropped by compaction (already in the serving model)").register(registry);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    refreshModelInfo();
  }

  /** The meters of one route, looked up once when the route is built. */
  Route route(String name) {
    return routes.computeIfAbsent(name, Route::new);
  }

  void shed(AdmissionControl.Outcome why) {
    (why == AdmissionControl.Outcome.QUEUE_FULL ? shedQueueFull : shedTimeout).increment();
  }

  void swapped(boolean ok) {
    (ok ? swapsOk : swapsRefused).increment();
  }

  /** The registry behind {@code /metrics}, for meters that other parts of the server bind to it. */
  io.micrometer.core.instrument.MeterRegistry registry() {
    return registry;
  }

  /** The Prometheus text exposition of every meter. */
  String scrape() {
    refreshModelInfo();
    return registry.scrape();
  }

  /** Re-tags {@code kindred_model_info} when the serving model changed (a swap by any path). */
  private synchronized void refreshModelInfo() {
    ServingState s = service.state();
    if (s.version.equals(infoVersion)) return;
    if (info != null) registry.remove(info);
    long created = s.model.provenance().createdAtMillis();
    info = Gauge.builder("kindred.model.info", () -> 1)
        .description("the serving model (value 1)")
        .tags(Tags.of("version", s.version, "kind", s.model.kind(), "algorithm", s.model.provenance().algorithm(),
            "trained_at", created > 0 ? Instant.ofEpochMilli(created).toString() : "unknown",
            "retrieval", s.retrieval.isAnn() ? "ann" : "exact"))
        .register(registry);
    infoVersion = s.version;
  }

  /** One route's timers and error counters, by status code. */
  final class Route {
    private final String name;
    private final AtomicReferenceArray<Timer> timers = new AtomicReferenceArray<>(STATUSES);
    private final AtomicReferenceArray<Counter> errors = new AtomicReferenceArray<>(STATUSES);

    private Route(String name) {
      this.name = name;
    }

    void record(int status, long nanos) {
      int s = status >= 0 && status < STATUSES ? status : 0;
      Timer t = timers.get(s);
      if (t == null) {
        t = Timer.builder("kindred.http.requests").tags("route", name, "status", Integer.toString(status))
            .description("HTTP requests by route and status")
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofNanos(100_000))
            .maximumExpectedValue(Duration.ofSeconds(10))
            .register(registry);
        timers.set(s, t);
      }
      t.record(nanos, TimeUnit.NANOSECONDS);
      if (status >= 400) {
        Counter c = errors.get(s);
        if (c == null) {
          c = Counter.builder("kindred.http.errors").tags("route", name, "status", Integer.toString(status))
              .description("HTTP responses with status >= 400").register(registry);
          errors.set(s, c);
        }
        c.increment();
      }
    }
  }
}
