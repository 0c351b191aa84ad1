package dev.kindred.bench.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A small blocking client for the {@code kindred serve} JSON API over the JDK's
 * {@link HttpClient}, pinned to HTTP/1.1 so that connections stay open between calls (keep-alive;
 * the client pools one connection per concurrent caller).
 *
 * <p>Every call returns a {@link Reply}: the HTTP status and the parsed JSON body (a non-2xx status
 * is a reply, not an exception; only transport failures throw {@link IOException}).
 *
 * <p>Thread-safe: one instance may be shared by many threads (the JDK client is thread-safe).
 */
public final class KindredClient implements AutoCloseable {

  static final ObjectMapper JSON = new ObjectMapper();

  private final URI base;
  private final HttpClient http;
  private final Duration timeout;

  /** A status and a JSON body ({@code null} when the body was empty or not JSON). */
  public record Reply(int status, JsonNode body) {
    public boolean ok() {
      return status >= 200 && status < 300;
    }

    /** The {@code items} list of a recommendation / similar reply, empty when absent. */
    public List<String> items() {
      List<String> out = new ArrayList<>();
      if (body != null && body.has("items")) body.get("items").forEach(n -> out.add(n.asText()));
      return out;
    }
  }

  /** One interaction event; {@code value} 1 for an implicit event. */
  public record Event(String user, String item, float value) {
    public Event {
      Objects.requireNonNull(user, "user");
      Objects.requireNonNull(item, "item");
      if (!Float.isFinite(value)) throw new IllegalArgumentException("event value must be finite, got " + value);
    }
  }

  /** A client for {@code baseUri} (e.g. {@code http://127.0.0.1:8080}) with a per-request timeout. */
  public KindredClient(URI baseUri, Duration timeout) {
    Objects.requireNonNull(baseUri, "baseUri");
    String s = baseUri.toString();
    this.base = URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(timeout).build();
  }

  public KindredClient(URI baseUri) {
    this(baseUri, Duration.ofSeconds(10));
  }

  public URI baseUri() {
    return base;
  }

  /** {@code GET /healthz}. */
  public Reply healthz() throws IOException {
    return get("/healthz");
  }

  /** {@code GET /readyz}: model kind, algorithm and sizes once the server is up. */
  public Reply readyz() throws IOException {
    return get("/readyz");
  }

  /** {@code GET /v1/users/{user}/recommendations?k=}: a known (or event-folded) user's top-k. */
  public Reply recommend(String user, int k) throws IOException {
    return get("/v1/users/" + encode(user) + "/recommendations?k=" + k);
  }

  /** {@code POST /v1/recommend} with a history: the top-k for a user the model does not know. */
  public Reply recommendHistory(List<String> history, int k) throws IOException {
    ObjectNode body = JSON.createObjectNode();
    ArrayNode h = body.putArray("history");
    history.forEach(h::add);
    body.put("k", k);
    return post("/v1/recommend", body);
  }

  /** {@code POST /v1/recommend/batch}: several known users' lists. */
  public Reply recommendBatch(List<String> users, int k) throws IOException {
    ObjectNode body = JSON.createObjectNode();
    ArrayNode u = body.putArray("users");
    users.forEach(u::add);
    body.put("k", k);
    return post("/v1/recommend/batch", body);
  }

  /** {@code GET /v1/items/{item}/similar?k=}. */
  public Reply similar(String item, int k) throws IOException {
    return get("/v1/items/" + encode(item) + "/similar?k=" + k);
  }

  /** {@code POST /v1/score}: model scores of (user, item) pairs. */
  public Reply score(String user, List<String> items) throws IOException {
    ObjectNode body = JSON.createObjectNode();
    body.put("user", user);
    ArrayNode it = body.putArray("items");
    items.forEach(it::add);
    return post("/v1/score", body);
  }

  /** {@code POST /v1/events}: acknowledged (200) once the events are in the server's durable log. */
  public Reply events(List<Event> events) throws IOException {
    ObjectNode body = JSON.createObjectNode();
    ArrayNode list = body.putArray("events");
    for (Event e : events) {
      list.addObject().put("user", e.user()).put("item", e.item()).put("value", e.value());
    }
    return post("/v1/events", body);
  }

  /** Any GET path (used by the load generator for endpoints this class has no method for). */
  public Reply get(String path) throws IOException {
    return send(HttpRequest.newBuilder(base.resolve(path)).timeout(timeout).GET().build());
  }

  /** Any POST of a JSON body. */
  public Reply post(String path, JsonNode body) throws IOException {
    byte[] bytes;
    try {
      bytes = JSON.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
    return send(HttpRequest.newBuilder(base.resolve(path)).timeout(timeout)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(bytes)).build());
  }

  private Reply send(HttpRequest request) throws IOException {
    HttpResponse<byte[]> r;
    try {
      r = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for " + request.uri(), e);
    }
    JsonNode body = null;
    if (r.body().length > 0) {
      try {
        body = JSON.readTree(r.body());
      } catch (JsonProcessingException e) {
        body = null; // not JSON (e.g. a proxy's error page): the status still tells what happened
      }
    }
    return new Reply(r.statusCode(), body);
  }

  /** A path segment: URL-encoded, spaces as {@code %20}. */
  static String encode(String id) {
    return URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
  }

  @Override
  public void close() {
    http.close();
  }
}
