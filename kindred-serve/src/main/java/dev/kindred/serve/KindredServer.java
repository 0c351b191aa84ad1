package dev.kindred.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.Handler;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import dev.kindred.core.ModelFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The recommendation HTTP server (Helidon SE): JSON API under {@code /v1}, {@code /healthz} and
 * {@code /readyz}. Binds 127.0.0.1 unless configured otherwise. Every error is a JSON body
 * {@code {"error": "..."}} with a 4xx status: 400 malformed JSON or fields, 404 unknown user or
 * item, 405 events without an event log, 413 oversize body or batch, 422 a model that cannot fold users
 * in, 503 an event log that cannot be written or load shed (with {@code Retry-After}). Unknown users
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
 *   GET  /v1/users/{user}/recommendations?k=10       one user's list (seen items excluded when known)
 *   POST /v1/recommend       {"user": id | "history": [items], "k", "exclude", "candidates", "exclude_seen"}
 *   POST /v1/recommend/batch {"users": [ids], "k", "exclude_seen"}
 *   GET  /v1/items/{item}/similar?k=10               similar items
 *   POST /v1/score           {"user": id, "items": [ids]}
 *   POST /v1/events          {"events": [{"user", "item", "value"?}]}: logged durably, folded in at once
 *   GET  /metrics                                    Prometheus text format
 *   GET  /v1/admin/model                             the serving model and the last swap (admin token)
 *   POST /v1/admin/model     {"path": "/abs/model.kdm"}: load, check and swap in (admin token)
 * </pre>
 */
public final class KindredServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(KindredServer.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final RecommendationService service;
  private final ServeConfig config;
  private final OperationsConfig ops;
  private final AdmissionControl admission;
  private final ServerMetrics metrics;
  private final WebServer server;
  private volatile ModelWatcher watcher;
  private volatile Map<String, Object> lastSwap;
  /** Test hook: runs while an admitted request holds its slot, before the handler. */
  private volatile Runnable onAdmitted;

  private KindredServer(RecommendationService service, ServeConfig config, OperationsConfig ops) {
    this.service = Objects.requireNonNull(service, "service");
    this.config = Objects.requireNonNull(config, "config");
    this.ops = Objects.requireNonNull(ops, "ops");
    this.admission = new AdmissionControl(ops);
    this.metrics = new ServerMetrics(service, admission);
    this.server = WebServer.builder()
        .host(config.host())
        .port(config.port())
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

  @Override
  public void close() {
    ModelWatcher w = watcher;
    if (w != null) w.close();
    server.stop();
  }

  void onAdmitted(Runnable hook) {
    this.onAdmitted = hook;
  }

  private void routes(HttpRouting.Builder r) {
    r.get("/healthz", open("/healthz", (req, res) -> json(res, 200, Map.of("status", "ok"))))
        .get("/readyz", open("/readyz", (req, res) -> json(res, 200, service.describe())))
        .get("/metrics", open("/metrics", (req, res) -> res.status(Status.OK_200)
            .header(HeaderNames.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8").send(metrics.scrape())))
        .get("/v1/users/{user}/recommendations", admitted("/v1/users/{user}/recommendations",
            (req, res) -> handle(res, () -> {
              var body = JSON.createObjectNode();
              body.put("user", req.path().pathParameters().get("user"));
              body.put("k", intParam(req, "k", 10));
              req.query().first("exclude_seen").ifPresent(v -> body.put("exclude_seen", Boolean.parseBoolean(v)));
              return service.recommend(body);
            })))
        .post("/v1/recommend", admitted("/v1/recommend", (req, res) -> handleBody(req, res, service::recommend)))
        .post("/v1/recommend/batch", admitted("/v1/recommend/batch",
            (req, res) -> handleBody(req, res, service::recommendBatch)))
        .get("/v1/items/{item}/similar", admitted("/v1/items/{item}/similar", (req, res) -> handle(res,
            () -> service.similar(req.path().pathParameters().get("item"), intParam(req, "k", 10)))))
        .post("/v1/score", admitted("/v1/score", (req, res) -> handleBody(req, res, service::score)))
        .post("/v1/events", admitted("/v1/events", (req, res) -> handleBody(req, res, service::ingest)))
        .get("/v1/admin/model", admin("/v1/admin/model", (req, res) -> handle(res, this::adminModelInfo)))
        .post("/v1/admin/model", admin("/v1/admin/model", (req, res) -> handleBody(req, res, this::adminSwap)));
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

  /** A work route: timed, and admitted through {@link AdmissionControl} or answered 503 at once. */
  private Handler admitted(String route, Handler h) {
    ServerMetrics.Route m = metrics.route(route);
    return (req, res) -> {
      long t0 = System.nanoTime();
      try {
        AdmissionControl.Outcome o = admission.enter();
        if (o != AdmissionControl.Outcome.ADMITTED) {
          metrics.shed(o);
          res.header(HeaderNames.RETRY_AFTER, "1");
          json(res, 503, Map.of("error", "overloaded: " + admission.maxInFlight() + " requests in flight"
              + (o == AdmissionControl.Outcome.QUEUE_FULL ? " and the wait queue is full" : " and no slot freed in "
                  + ops.queueTimeoutMillis() + " ms") + "; retry later"));
          return;
        }
        try {
          Runnable hook = onAdmitted;
          if (hook != null) hook.run();
          h.handle(req, res);
        } finally {
          admission.exit();
        }
      } finally {
        m.record(res.status().code(), System.nanoTime() - t0);
      }
    };
  }

  /** An admin route: timed, and only with the configured bearer token. */
  private Handler admin(String route, Handler h) {
    return open(route, (req, res) -> {
      String token = ops.adminToken();
      if (token == null) {
        json(res, 403, Map.of("error", "admin endpoints are disabled: start the server with --admin-token "
            + "or KINDRED_ADMIN_TOKEN"));
        return;
      }
      String auth = req.headers().first(HeaderNames.AUTHORIZATION).orElse("");
      byte[] given = auth.startsWith("Bearer ") ? auth.substring(7).trim().getBytes(StandardCharsets.UTF_8) : new byte[0];
      if (!MessageDigest.isEqual(given, token.getBytes(StandardCharsets.UTF_8))) {
        res.header(HeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"kindred-admin\"");
        json(res, 401, Map.of("error", given.length == 0
            ? "admin endpoints need \"Authorization: Bearer <token>\"" : "wrong admin token"));
        return;
      }
      h.handle(req, res);
    });
  }

  private Map<String, Object> adminModelInfo() {
    Map<String, Object> out = new LinkedHashMap<>(service.describe());
    Map<String, Object> last = lastSwap;
    if (last != null) out.put("last_swap", last);
    if (ops.watchModel() != null) out.put("watching", ops.watchModel().toString());
    return out;
  }

  private Map<String, Object> adminSwap(JsonNode body) {
    JsonNode p = body.get("path");
    if (p == null || !p.isTextual() || p.asText().isBlank()) {
      throw new ApiException(400, "give \"path\": the absolute path of a model file on the server");
    }
    Path path = Path.of(p.asText());
    if (!path.isAbsolute()) throw new ApiException(400, "\"path\" must be absolute, got '" + p.asText() + "'");
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
   * {@code GET /v1/admin/model}. Runs on the admin request's or the watcher's thread, never on a
   * recommendation request's.
   */
  private synchronized Map<String, Object> swap(Path path, String trigger) throws java.io.IOException {
    Map<String, Object> result = new LinkedHashMap<>();
    result.put("trigger", trigger);
    result.put("path", path.toString());
    result.put("at_millis", System.currentTimeMillis());
    try {
      result.putAll(service.swap(ModelFile.read(path), path.toString()));
      result.put("ok", true);
      metrics.swapped(true);
      return result;
    } catch (IllegalArgumentException | java.io.IOException | IllegalStateException e) {
      result.put("ok", false);
      result.put("error", String.valueOf(e.getMessage()));
      metrics.swapped(false);
      throw e;
    } finally {
      lastSwap = result;
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

  private void handleBody(ServerRequest req, ServerResponse res, Function<JsonNode, Map<String, Object>> f) {
    handle(res, () -> {
      long declared = req.headers().contentLength().orElse(-1L);
      if (declared > config.maxBodyBytes()) {
        throw new ApiException(413, "request body of " + declared + " bytes exceeds the limit of "
            + config.maxBodyBytes());
      }
      byte[] bytes = req.content().as(byte[].class);
      if (bytes.length > config.maxBodyBytes()) {
        throw new ApiException(413, "request body exceeds the limit of " + config.maxBodyBytes() + " bytes");
      }
      JsonNode body;
      try {
        body = JSON.readTree(bytes);
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new ApiException(400, "malformed JSON: " + e.getOriginalMessage());
      } catch (java.io.IOException e) {
        throw new ApiException(400, "unreadable body: " + e.getMessage());
      }
      if (body == null || !body.isObject()) throw new ApiException(400, "the body must be a JSON object");
      return f.apply(body);
    });
  }

  private interface Call {
    Map<String, Object> run();
  }

  private static void handle(ServerResponse res, Call call) {
    try {
      json(res, 200, call.run());
    } catch (ApiException e) {
      json(res, e.status, Map.of("error", e.getMessage()));
    } catch (IllegalArgumentException e) {
      json(res, 400, Map.of("error", String.valueOf(e.getMessage())));
    } catch (RuntimeException e) {
      LOG.error("request failed", e);
      json(res, 500, Map.of("error", "internal error: " + e));
    }
  }

  private static void json(ServerResponse res, int status, Object body) {
    String text;
    try {
      text = JSON.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      text = "{\"error\":\"could not encode the response\"}";
      status = 500;
    }
    res.status(Status.create(status)).header(HeaderNames.CONTENT_TYPE, "application/json").send(text);
  }
}
