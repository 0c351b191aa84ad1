package dev.kindred.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.exc.InputCoercionException;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import io.helidon.webserver.http1.Http1Config;
import dev.kindred.core.ModelFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The recommendation HTTP server (Helidon SE): JSON API under {@code /v1}, {@code /healthz} and
 * {@code /readyz}. Binds 127.0.0.1 unless configured otherwise. Bodies are the records of {@link Api}.
 * Every error is a JSON body {@code {"error": "..."}} with a 4xx status: 400 malformed JSON or fields
 * (an empty body too), 404 unknown user or item, 405 a method the path does not take (with
 * {@code Allow}) or events without an event log, 413 oversize body (counted while reading, chunked
 * or not; the connection is then closed) or batch, 422 a model that cannot fold users in, 503 an
 * event log that cannot be written or load shed (with {@code Retry-After}). A connection whose
 * request line or header stalls for {@link ServeConfig#readTimeoutMillis} is dropped
 * ({@link HeaderTimeout}). HTTP/1.1 only: Helidon SE 4 refuses HTTP/1.0 (with 4.5.0 the connection is
 * closed without a reply). A failure of the server itself is a 500 whose body names an error id and
 * nothing else; the exception is logged under that id. Unknown users
 * get a popularity fallback when the training interactions were given, and the response says so
 * ({@code "source"}).
 *
 * <p>Operations ({@link OperationsConfig}): the {@code /v1} work routes are admitted through
 * {@link AdmissionControl} (bounded in-flight work and a bounded, timed wait, else 503 at once);
 * {@code /metrics} exposes {@link ServerMetrics}; the admin routes need the configured bearer
 * token (403 when none is configured, 401 when it is wrong); a model is swapped in by
 * {@code POST /v1/admin/model} or by watching a file ({@link ModelWatcher}), and a model that
 * fails to load or check is refused while the old one keeps serving.
 *
 * <pre>
 *   GET  /healthz                                    {"status":"ok"}
 *   GET  /readyz                                     model kind, algorithm, sizes
 *   GET  /v1/users/{user}/recommendations?k=10       one user's list (seen items excluded when known);
 *                                                    &explain=true[&explain_top=3]: top contributors per item
 *   DELETE /v1/users/{user}                          forget the user: model, seen set, event log (admin token)
 *   POST /v1/recommend       {"user": id | "history": [items] | "features": {...}, "k", "exclude", "candidates",
 *                            "exclude_seen"}
 *   POST /v1/recommend/batch {"users": [ids], "k", "exclude_seen"}
 *   GET  /v1/items/{item}/similar?k=10               similar items
 *   POST /v1/score           {"user": id, "items": [ids]}
 *   POST /v1/events          {"events": [{"user", "item", "value"?}]}: logged durably, folded in at once
 *   GET  /metrics                                    Prometheus text format
 *   GET  /v1/admin/model                             the serving model and the last swap (admin token)
 *   POST /v1/admin/model     {"path": "/abs/model.kdm"}: load, check and swap in (admin token)
 *   POST /v1/admin/compact-events                    drop logged events older than the serving model's
 *                                                    training cut-off from the event log (admin token)
 *   POST /v1/items           {"item": id, "features": {...}}: logged, recommendable at once (admin token)
 * </pre>
 */
public final class KindredServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(KindredServer.class);

  private final RecommendationService service;
  private final ServeConfig config;
  private final OperationsConfig ops;
  private final AdmissionControl admission;
  private final ServerMetrics metrics;
  private final WebServer server;
  private final HeaderTimeout headerTimeout;
  private volatile ModelWatcher watcher;
  private volatile Api.SwapOutcome lastSwap;
  /** Test hook: runs while an admitted request holds its slot, before the handler. */
  private volatile Runnable onAdmitted;

  private KindredServer(RecommendationService service, ServeConfig config, OperationsConfig ops) {
    this.service = Objects.requireNonNull(service, "service");
    this.config = Objects.requireNonNull(config, "config");
    this.ops = Objects.requireNonNull(ops, "ops");
    this.admission = new AdmissionControl(ops);
    this.metrics = new ServerMetrics(service, admission);
    this.headerTimeout = new HeaderTimeout(config.readTimeoutMillis());
    this.server = WebServer.builder()
        .host(config.host())
        .port(config.port())
        // A connection idle this long (an unfinished request line, or an idle keep-alive) is
        // closed, checked every quarter of it; a header unfinished that long, by HeaderTimeout.
        .idleConnectionTimeout(Duration.ofMillis(config.readTimeoutMillis()))
        .idleConnectionPeriod(Duration.ofMillis(Math.max(1, config.readTimeoutMillis() / 4)))
        .addProtocol(Http1Config.builder().addReceiveListener(headerTimeout).build())
        .routing(this::routes)
        .build();
  }

  /** Starts a server with default operations settings (no admin token, no watched model). */
  public static KindredServer start(RecommendationService service, ServeConfig config) {
    return start(service, config, OperationsConfig.DEFAULTS);
  }

  /** Starts a server; {@link #port()} tells the bound port (useful with port 0). */
  public static KindredServer start(RecommendationService service, ServeConfig config, OperationsConfig ops) {
    KindredServer s = new KindredServer(service, config, ops);
    s.server.start();
    if (ops.watchModel() != null) s.watcher = new ModelWatcher(ops.watchModel(), ops.watchIntervalMillis(), s::swapWatched);
    LOG.info("serving {} (version {}) on http://{}:{}; at most {} requests in flight, {} queued for {} ms; "
        + "admin endpoints {}", service.model().provenance().algorithm(), service.modelVersion(), config.host(),
        s.port(), ops.maxInFlight(), ops.maxQueued(), ops.queueTimeoutMillis(),
        ops.adminToken() == null ? "disabled" : "enabled");
    return s;
  }

  public int port() {
    return server.port();
  }

  /** The registry scraped at {@code /metrics}: an event source binds its meters (lag, throughput) here. */
  public io.micrometer.core.instrument.MeterRegistry meterRegistry() {
    return metrics.registry();
  }

  @Override
  public void close() {
    ModelWatcher w = watcher;
    if (w != null) w.close();
    server.stop();
    headerTimeout.close();
  }

  void onAdmitted(Runnable hook) {
    this.onAdmitted = hook;
  }

  private void routes(HttpRouting.Builder r) {
    // Whatever escapes a route's own handling (a decorator, a test hook) is answered as below, in JSON.
    r.error(RuntimeException.class, (req, res, e) -> send(res, unexpected(e)))
        .get("/healthz", open("/healthz", (req, res) -> json(res, 200, new Api.Health("ok"))))
        .get("/readyz", open("/readyz", (req, res) -> json(res, 200, service.describe())))
        .get("/metrics", open("/metrics", (req, res) -> res.status(Status.OK_200)
            .header(HeaderNames.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8").send(metrics.scrape())))
        .get("/v1/users/{user}/recommendations", admitted("/v1/users/{user}/recommendations",
            req -> handle(() -> service.recommend(new Api.RecommendRequest(
                req.path().pathParameters().get("user"), null, intParam(req, "k", 10), null, null,
                req.query().first("exclude_seen").map(Boolean::parseBoolean).orElse(null),
                req.query().first("explain").map(Boolean::parseBoolean).orElse(null),
                req.query().first("explain_top").isPresent() ? intParam(req, "explain_top", 3) : null)))))
        .delete("/v1/users/{user}", admin("/v1/users/{user}",
            req -> handle(() -> background(() -> service.forget(req.path().pathParameters().get("user"))))))
        .post("/v1/recommend", admitted("/v1/recommend",
            req -> handleBody(req, Api.RecommendRequest.class, service::recommend)))
        .post("/v1/recommend/batch", admitted("/v1/recommend/batch",
            req -> handleBody(req, Api.BatchRequest.class, service::recommendBatch)))
        .get("/v1/items/{item}/similar", admitted("/v1/items/{item}/similar", req -> handle(
            () -> service.similar(req.path().pathParameters().get("item"), intParam(req, "k", 10)))))
        .post("/v1/score", admitted("/v1/score",
            req -> handleBody(req, Api.ScoreRequest.class, service::score)))
        .post("/v1/events", admitted("/v1/events",
            req -> handleBody(req, Api.EventsRequest.class, service::ingest)))
        .post("/v1/items", admin("/v1/items", req -> handleBody(req, Api.ItemRequest.class, service::addItem)))
        .get("/v1/admin/model", admin("/v1/admin/model", req -> handle(this::adminModelInfo)))
        .post("/v1/admin/model", admin("/v1/admin/model",
            req -> handleBody(req, Api.SwapRequest.class, this::adminSwap)))
        .post("/v1/admin/compact-events", admin("/v1/admin/compact-events",
            req -> handle(() -> background(service::compactEvents))));
    // A known path asked with another method: 405 naming the allowed ones (only what the routes above
    // left over reaches these).
    for (String[] route : new String[][] {{"/healthz", "GET"}, {"/readyz", "GET"}, {"/metrics", "GET"},
        {"/v1/users/{user}/recommendations", "GET"}, {"/v1/recommend", "POST"}, {"/v1/recommend/batch", "POST"},
        {"/v1/items/{item}/similar", "GET"}, {"/v1/score", "POST"}, {"/v1/events", "POST"},
        {"/v1/admin/model", "GET, POST"}, {"/v1/admin/compact-events", "POST"}, {"/v1/items", "POST"}}) {
      r.any(route[0], (req, res) -> {
        res.header(HeaderNames.ALLOW, route[1]);
        json(res, 405, new Api.ErrorBody(req.prologue().method().text() + " is not allowed on " + route[0] + "; use "
            + route[1]));
      });
    }
  }

  /** A route timed into {@code /metrics}, not subject to load shedding (health, metrics). */
  private Handler open(String route, Handler h) {
    ServerMetrics.Route m = metrics.route(route);
    return (req, res) -> {
      long t0 = System.nanoTime();
      try {
        h.handle(req, res);
      } finally {
        m.record(res.status().code(), System.nanoTime() - t0);
      }
    };
  }

  /**
   * A work route: timed, and admitted through {@link AdmissionControl} or answered 503 at once. The
   * slot is given back before the answer is sent, so a client that has its answer can count on the
   * slot being free.
   */
  private Handler admitted(String route, Work w) {
    ServerMetrics.Route m = metrics.route(route);
    return (req, res) -> {
      long t0 = System.nanoTime();
      try {
        AdmissionControl.Outcome o = admission.enter();
        if (o != AdmissionControl.Outcome.ADMITTED) {
          metrics.shed(o);
          res.header(HeaderNames.RETRY_AFTER, "1");
          json(res, 503, new Api.ErrorBody("overloaded: " + admission.maxInFlight() + " requests in flight"
              + (o == AdmissionControl.Outcome.QUEUE_FULL ? " and the wait queue is full" : " and no slot freed in "
                  + ops.queueTimeoutMillis() + " ms") + "; retry later"));
          return;
        }
        Reply reply;
        try {
          Runnable hook = onAdmitted;
          if (hook != null) hook.run();
          reply = w.answer(req);
        } finally {
          admission.exit();
        }
        send(res, reply);
      } finally {
        m.record(res.status().code(), System.nanoTime() - t0);
      }
    };
  }

  /** An admin route: timed, and only with the configured bearer token. */
  private Handler admin(String route, Work w) {
    return open(route, (req, res) -> {
      String token = ops.adminToken();
      if (token == null) {
        json(res, 403, new Api.ErrorBody("admin endpoints are disabled: start the server with --admin-token "
            + "or KINDRED_ADMIN_TOKEN"));
        return;
      }
      String auth = req.headers().first(HeaderNames.AUTHORIZATION).orElse("");
      byte[] given = auth.startsWith("Bearer ") ? auth.substring(7).trim().getBytes(StandardCharsets.UTF_8) : new byte[0];
      if (!MessageDigest.isEqual(given, token.getBytes(StandardCharsets.UTF_8))) {
        res.header(HeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"kindred-admin\"");
        json(res, 401, new Api.ErrorBody(given.length == 0
            ? "admin endpoints need \"Authorization: Bearer <token>\"" : "wrong admin token"));
        return;
      }
      send(res, w.answer(req));
    });
  }

  private Api.AdminModel adminModelInfo() {
    return new Api.AdminModel(service.describe(), lastSwap,
        ops.watchModel() == null ? null : ops.watchModel().toString());
  }

  private Api.SwapOutcome adminSwap(Api.SwapRequest body) {
    String p = body.path();
    if (p == null || p.isBlank()) {
      throw new ApiException(400, "give \"path\": the absolute path of a model file on the server");
    }
    Path path = Path.of(p);
    if (!path.isAbsolute()) throw new ApiException(400, "\"path\" must be absolute, got '" + p + "'");
    if (!Files.isRegularFile(path)) throw new ApiException(400, path + ": no such file");
    try {
      return swap(path, "admin");
    } catch (IllegalArgumentException e) {
      throw new ApiException(422, "model refused, the old one keeps serving: " + e.getMessage());
    } catch (java.io.IOException e) {
      throw new ApiException(422, "model refused, the old one keeps serving: " + path + ": " + e);
    }
  }

  private void swapWatched(Path path) {
    try {
      swap(path, "watch");
    } catch (IllegalArgumentException | java.io.IOException e) {
      LOG.error("watched model {} refused, the old one keeps serving: {}", path, e.getMessage());
    }
  }

  /**
   * Reads, checks and swaps in a model file; records the outcome for {@code /metrics} and
   * {@code GET /v1/admin/model}. The work runs on a background platform thread
   * ({@link #background}), never on a recommendation request's.
   */
  private synchronized Api.SwapOutcome swap(Path path, String trigger) throws java.io.IOException {
    long at = System.currentTimeMillis();
    try {
      ModelSwap swapped = background(() -> {
        try {
          return service.swap(ModelFile.read(path), path.toString());
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
      Api.SwapOutcome done = new Api.SwapOutcome(trigger, path.toString(), at, swapped, true, null);
      metrics.swapped(true);
      lastSwap = done;
      return done;
    } catch (java.io.UncheckedIOException e) {
      metrics.swapped(false);
      lastSwap = new Api.SwapOutcome(trigger, path.toString(), at, null, false, String.valueOf(e.getCause().getMessage()));
      throw e.getCause();
    } catch (IllegalArgumentException | IllegalStateException e) {
      metrics.swapped(false);
      lastSwap = new Api.SwapOutcome(trigger, path.toString(), at, null, false, String.valueOf(e.getMessage()));
      throw e;
    }
  }

  /**
   * Runs {@code work} (a swap, a forget, a compaction: seconds of CPU and a burst of allocation) on a
   * new low-priority daemon platform thread and waits for it. Requests run on virtual threads, whose
   * carriers are as many as the cores: CPU-bound work on a virtual thread holds a carrier for its
   * whole length (it is never preempted), which on 2 cores halves the request capacity for that time
   * and stalls the tail. A platform thread is time-sliced by the OS with the carriers instead, and the
   * waiting virtual thread gives its carrier back. A failure is rethrown as itself.
   */
  static <T> T background(java.util.function.Supplier<T> work) {
    java.util.concurrent.CompletableFuture<T> result = new java.util.concurrent.CompletableFuture<>();
    Thread.ofPlatform().name("kindred-admin-work").daemon().priority(Thread.MIN_PRIORITY).start(() -> {
      try {
        result.complete(work.get());
      } catch (Throwable e) {
        result.completeExceptionally(e);
      }
    });
    try {
      return result.join();
    } catch (java.util.concurrent.CompletionException e) {
      switch (e.getCause()) {
        case RuntimeException r -> throw r;
        case Error r -> throw r;
        default -> throw e;
      }
    }
  }

  private static int intParam(ServerRequest req, String name, int dflt) {
    String v = req.query().first(name).orElse(null);
    if (v == null) return dflt;
    try {
      return Integer.parseInt(v);
    } catch (NumberFormatException e) {
      throw new ApiException(400, "query parameter '" + name + "' must be an integer, got '" + v + "'");
    }
  }

  /** Reads the body as {@code type}, answers {@code f} of it. */
  private <T> Reply handleBody(ServerRequest req, Class<T> type, Function<T, ?> f) {
    return handle(() -> f.apply(read(req, type)));
  }

  private <T> T read(ServerRequest req, Class<T> type) {
    long declared = req.headers().contentLength().orElse(-1L);
    if (declared > config.maxBodyBytes()) {
      throw new ApiException(413, "request body of " + declared + " bytes exceeds the limit of "
          + config.maxBodyBytes());
    }
    byte[] bytes = boundedBody(req);
    if (bytes.length == 0) throw new ApiException(400, "the body is empty: send a JSON object");
    T body;
    try {
      body = Api.JSON.readValue(bytes, type);
    } catch (MismatchedInputException e) {
      throw new ApiException(400, e.getPath().isEmpty() ? "the body must be a JSON object" : wrongType(e));
    } catch (InputCoercionException e) {
      throw new ApiException(400, "number out of range: " + e.getOriginalMessage());
    } catch (StreamReadException e) {
      throw new ApiException(400, "malformed JSON: " + e.getOriginalMessage());
    } catch (java.io.IOException e) {
      throw new ApiException(400, "unreadable body: " + e.getMessage());
    }
    if (body == null) throw new ApiException(400, "the body must be a JSON object");
    return body;
  }

  /**
   * The body, read up to one byte past the limit: a larger body (declared or chunked) is refused
   * with 413 as soon as the limit is passed, never buffered whole, and its connection is closed
   * rather than drained.
   */
  private byte[] boundedBody(ServerRequest req) {
    if (!req.content().hasEntity()) return new byte[0];
    int limit = config.maxBodyBytes();
    byte[] bytes;
    try {
      bytes = req.content().inputStream().readNBytes(limit + 1);
    } catch (java.io.IOException | java.io.UncheckedIOException e) {
      throw new ApiException(400, "unreadable body: " + e.getMessage());
    }
    if (bytes.length > limit) {
      throw new ApiException(413, "request body exceeds the limit of " + limit + " bytes");
    }
    return bytes;
  }

  /** {@code "k" must be an integer}: the innermost field named, and what it must be. */
  static String wrongType(MismatchedInputException e) {
    String field = "body";
    for (JsonMappingException.Reference ref : e.getPath()) {
      if (ref.getFieldName() != null) field = ref.getFieldName();
    }
    Class<?> t = e.getTargetType();
    String expected = t == null ? "of another type"
        : t == Integer.class || t == int.class || t == Long.class || t == long.class ? "an integer"
        : t == Float.class || t == float.class || t == Double.class || t == double.class ? "a number"
        : t == Boolean.class || t == boolean.class ? "true or false"
        : t == String.class ? "a string"
        : java.util.Collection.class.isAssignableFrom(t) || t.isArray() ? "a list"
        : "an object";
    return "\"" + field + "\" must be " + expected;
  }

  /** An answer not yet sent: a status and a body record. */
  private record Reply(int status, Object body) {}

  /** A route's work: the answer to a request, computed before anything is sent. */
  @FunctionalInterface
  private interface Work {
    Reply answer(ServerRequest req);
  }

  private interface Call {
    Object run();
  }

  /** 200 with the call's result, or the error it ends in. */
  private static Reply handle(Call call) {
    try {
      return new Reply(200, call.run());
    } catch (ApiException e) {
      return new Reply(e.status, new Api.ErrorBody(e.getMessage()));
    } catch (IllegalArgumentException e) {
      return new Reply(400, new Api.ErrorBody(String.valueOf(e.getMessage())));
    } catch (RuntimeException e) {
      return unexpected(e);
    }
  }

  /**
   * Helidon's own HTTP errors (e.g. 404 for a path that names no endpoint) keep their status: they
   * are the client's; anything else is a 500 with an error id.
   */
  private static Reply unexpected(RuntimeException e) {
    if (e instanceof io.helidon.http.HttpException h) {
      return new Reply(h.status().code(), new Api.ErrorBody(String.valueOf(h.getMessage())));
    }
    return internalError(e);
  }

  /**
   * A 500 that names an error id and nothing else: the exception's text may name files, classes or
   * data, so it goes to the log under that id.
   */
  private static Reply internalError(RuntimeException e) {
    String id = UUID.randomUUID().toString();
    LOG.error("request failed, error id {}", id, e);
    return new Reply(500, new Api.ErrorBody("internal error; the server log has the details under error id " + id,
        id));
  }

  private static void send(ServerResponse res, Reply reply) {
    json(res, reply.status(), reply.body());
  }

  private static void json(ServerResponse res, int status, Object body) {
    // An oversize body is left unread: close the connection rather than drain it.
    if (status == 413) res.header(HeaderNames.CONNECTION, "close");
    String text;
    try {
      text = Api.JSON.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      LOG.error("could not encode a {} response", body.getClass().getSimpleName(), e);
      text = "{\"error\":\"could not encode the response\"}";
      status = 500;
    }
    res.status(Status.create(status)).header(HeaderNames.CONTENT_TYPE, "application/json").send(text);
  }
}
