package dev.kindred.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
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
 * in, 503 an event log that cannot be written. Unknown users get a popularity fallback when the
 * training interactions were given, and the response says so ({@code "source"}).
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
 * </pre>
 */
public final class KindredServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(KindredServer.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final RecommendationService service;
  private final ServeConfig config;
  private final WebServer server;

  private KindredServer(RecommendationService service, ServeConfig config) {
    this.service = Objects.requireNonNull(service, "service");
    this.config = Objects.requireNonNull(config, "config");
    this.server = WebServer.builder()
        .host(config.host())
        .port(config.port())
        .routing(this::routes)
        .build();
  }

  /** Starts a server; {@link #port()} tells the bound port (useful with port 0). */
  public static KindredServer start(RecommendationService service, ServeConfig config) {
    KindredServer s = new KindredServer(service, config);
    s.server.start();
    LOG.info("serving {} on http://{}:{}", service.model().provenance().algorithm(), config.host(), s.port());
    return s;
  }

  public int port() {
    return server.port();
  }

  @Override
  public void close() {
    server.stop();
  }

  private void routes(HttpRouting.Builder r) {
    r.get("/healthz", (req, res) -> json(res, 200, Map.of("status", "ok")))
        .get("/readyz", (req, res) -> json(res, 200, service.describe()))
        .get("/v1/users/{user}/recommendations", (req, res) -> handle(res, () -> {
          var body = JSON.createObjectNode();
          body.put("user", req.path().pathParameters().get("user"));
          body.put("k", intParam(req, "k", 10));
          req.query().first("exclude_seen").ifPresent(v -> body.put("exclude_seen", Boolean.parseBoolean(v)));
          return service.recommend(body);
        }))
        .post("/v1/recommend", (req, res) -> handleBody(req, res, service::recommend))
        .post("/v1/recommend/batch", (req, res) -> handleBody(req, res, service::recommendBatch))
        .get("/v1/items/{item}/similar", (req, res) -> handle(res,
            () -> service.similar(req.path().pathParameters().get("item"), intParam(req, "k", 10))))
        .post("/v1/score", (req, res) -> handleBody(req, res, service::score))
        .post("/v1/events", (req, res) -> handleBody(req, res, service::ingest));
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
