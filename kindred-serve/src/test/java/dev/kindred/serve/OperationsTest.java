package dev.kindred.serve;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Serving operations in-process: Prometheus metrics, load shedding, the admin token. */
class OperationsTest {

  static final String TOKEN = "test-admin-token-0123456789";
  static final HttpClient CLIENT = HttpClient.newHttpClient();

  @TempDir
  Path dir;

  KindredServer server;
  EventLog log;

  @AfterEach
  void stop() throws Exception {
    if (server != null) server.close();
    if (log != null) log.close();
  }

  void start(OperationsConfig ops) throws Exception {
    ServeConfig config = new ServeConfig("127.0.0.1", 0, 50, 100, 1 << 16);
    log = EventLog.open(dir.resolve("events.log"), EventLog.Sync.NONE);
    server = KindredServer.start(new RecommendationService(Fixture.model(), null, config, log, List.of()), config, ops);
  }

  static HttpResponse<String> send(KindredServer server, String method, String path, String body, String token)
      throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (token != null) b.header("Authorization", "Bearer " + token);
    return CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> send(String method, String path, String body, String token) throws Exception {
    return send(server, method, path, body, token);
  }

  /**
   * The value of the first sample named {@code name} carrying every {@code label="value"} pair
   * given, or 0 when there is none (a meter not yet registered has counted nothing).
   */
  static double sample(String scrape, String name, String... labels) {
    for (String line : scrape.split("\n")) {
      if (!(line.startsWith(name + "{") || line.startsWith(name + " "))) continue;
      boolean all = true;
      for (String l : labels) all &= line.contains(l);
      if (all) return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
    }
    return 0;
  }

  String scrape() throws Exception {
    HttpResponse<String> r = send("GET", "/metrics", null, null);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
    return r.body();
  }

  @Test
  void metricsCountRequestsByRouteAndStatusErrorsEventsAndNameTheModel() throws Exception {
    start(OperationsConfig.DEFAULTS);
    String before = scrape();
    String ok = "route=\"/v1/recommend\",status=\"200\"";
    String bad = "route=\"/v1/recommend\",status=\"400\"";
    for (int i = 0; i < 3; i++) {
      assertThat(send("POST", "/v1/recommend", "{\"user\":\"u" + i + "\",\"k\":5}", null).statusCode()).isEqualTo(200);
    }
    assertThat(send("POST", "/v1/recommend", "{\"k\":5}", null).statusCode()).isEqualTo(400);
    assertThat(send("POST", "/v1/events", "{\"events\":[{\"user\":\"u1\",\"item\":\"i2\"},{\"user\":\"u1\",\"item\":\"i3\"}]}",
        null).statusCode()).isEqualTo(200);
    String after = scrape();

    assertThat(sample(after, "kindred_http_requests_seconds_count", ok) - sample(before, "kindred_http_requests_seconds_count", ok))
        .isEqualTo(3.0);
    assertThat(sample(after, "kindred_http_requests_seconds_count", bad)).isEqualTo(1.0);
    assertThat(sample(after, "kindred_http_errors_total", bad)).isEqualTo(1.0);
    assertThat(sample(after, "kindred_http_errors_total", ok)).isEqualTo(0.0);
    // Latency histogram: the +Inf bucket holds every request, and finite buckets exist.
    assertThat(sample(after, "kindred_http_requests_seconds_bucket", ok, "le=\"+Inf\"")).isEqualTo(3.0);
    assertThat(after.lines().filter(l -> l.startsWith("kindred_http_requests_seconds_bucket{") && l.contains(ok)).count())
        .isGreaterThan(10);
    assertThat(sample(after, "kindred_http_requests_seconds_sum", ok)).isPositive();
    assertThat(sample(after, "kindred_events_ingested_total") - sample(before, "kindred_events_ingested_total"))
        .isEqualTo(2.0);
    String version = Fixture.JSON.readTree(send("GET", "/readyz", null, null).body()).get("version").asText();
    assertThat(version).matches("[0-9a-f]{8}");
    assertThat(sample(after, "kindred_model_info", "version=\"" + version + "\"", "kind=\"latent-factor\"",
        "algorithm=\"ials\"")).isEqualTo(1.0);
    assertThat(sample(after, "kindred_requests_shed_total", "reason=\"timeout\"")).isEqualTo(0.0);
    assertThat(after).contains("kindred_requests_in_flight", "kindred_requests_queued", "jvm_memory_used_bytes");
  }

  @Test
  void metricsNameTheRetrievalAndItsMeasuredRecall() throws Exception {
    start(OperationsConfig.DEFAULTS);
    String exact = scrape();
    assertThat(sample(exact, "kindred_model_info", "retrieval=\"exact\"")).isEqualTo(1.0);
    assertThat(sample(exact, "kindred_retrieval_recall")).isNaN();
    server.close();

    ServeConfig config = new ServeConfig("127.0.0.1", 0, 50, 100, 1 << 16);
    var ann = dev.kindred.serve.retrieval.RetrievalConfig.DEFAULTS
        .withMode(dev.kindred.serve.retrieval.RetrievalMode.ANN).withRecallProbe(50, 10, 0.5);
    RecommendationService service = new RecommendationService(Fixture.model(), null, config, null, List.of(), ann);
    server = KindredServer.start(service, config, OperationsConfig.DEFAULTS);
    String annScrape = scrape();
    assertThat(sample(annScrape, "kindred_model_info", "retrieval=\"ann\"")).isEqualTo(1.0);
    assertThat(sample(annScrape, "kindred_retrieval_recall"))
        .isEqualTo(service.retrieval().recall().getAsDouble(), org.assertj.core.data.Offset.offset(1e-9))
        .isBetween(0.5, 1.0);
  }

  /**
   * One slot, and the first request holds it (the admission hook blocks it on a latch), so the
   * second is shed: at once when no one may wait, after the (short) queue timeout otherwise. No
   * timing is asserted: the held request is only released after the shed one has been answered.
   */
  @ParameterizedTest
  @CsvSource({"0, 1000, queue_full", "1, 20, timeout"})
  void overloadIsAnsweredWith503AndRetryAfterAndCounted(int maxQueued, long timeoutMillis, String reason)
      throws Exception {
    start(OperationsConfig.DEFAULTS.withAdmission(1, maxQueued, timeoutMillis));
    CountDownLatch entered = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicBoolean holdNext = new AtomicBoolean(true);
    server.onAdmitted(() -> {
      if (!holdNext.compareAndSet(true, false)) return;
      entered.countDown();
      try {
        release.await(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    CompletableFuture<HttpResponse<String>> held = CompletableFuture.supplyAsync(() -> {
      try {
        return send("GET", "/v1/users/u1/recommendations?k=3", null, null);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    assertThat(entered.await(30, TimeUnit.SECONDS)).isTrue();

    HttpResponse<String> shed = send("POST", "/v1/recommend", "{\"user\":\"u2\"}", null);
    assertThat(shed.statusCode()).isEqualTo(503);
    assertThat(shed.headers().firstValue("Retry-After")).hasValue("1");
    assertThat(Fixture.JSON.readTree(shed.body()).get("error").asText()).startsWith("overloaded: 1 requests in flight");
    // Health and metrics are not shed.
    assertThat(send("GET", "/healthz", null, null).statusCode()).isEqualTo(200);
    String during = scrape();
    assertThat(sample(during, "kindred_requests_in_flight")).isEqualTo(1.0);

    release.countDown();
    assertThat(held.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    assertThat(send("POST", "/v1/recommend", "{\"user\":\"u2\"}", null).statusCode()).isEqualTo(200);
    String after = scrape();
    assertThat(sample(after, "kindred_requests_shed_total", "reason=\"" + reason + "\"")).isEqualTo(1.0);
    assertThat(sample(after, "kindred_http_errors_total", "route=\"/v1/recommend\"", "status=\"503\"")).isEqualTo(1.0);
    assertThat(sample(after, "kindred_requests_in_flight")).isEqualTo(0.0);
  }

  @Test
  void oversizeBodiesAreStill413() throws Exception {
    start(OperationsConfig.DEFAULTS);
    String big = "{\"user\":\"u1\",\"exclude\":[" + "\"i1\",".repeat(20_000) + "\"i2\"]}";
    assertThat(send("POST", "/v1/recommend", big, null).statusCode()).isEqualTo(413);
  }

  @Test
  void withoutAConfiguredTokenAdminEndpointsAreDisabled() throws Exception {
    start(OperationsConfig.DEFAULTS);
    HttpResponse<String> r = send("POST", "/v1/admin/model", "{\"path\":\"/tmp/x.kdm\"}", "anything-at-all-123");
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(Fixture.JSON.readTree(r.body()).get("error").asText()).contains("disabled").contains("--admin-token");
    assertThat(send("GET", "/v1/admin/model", null, null).statusCode()).isEqualTo(403);
  }

  @Test
  void adminEndpointsNeedTheRightBearerToken() throws Exception {
    start(OperationsConfig.DEFAULTS.withAdminToken(TOKEN));
    HttpResponse<String> none = send("GET", "/v1/admin/model", null, null);
    assertThat(none.statusCode()).isEqualTo(401);
    assertThat(none.headers().firstValue("WWW-Authenticate").orElse("")).startsWith("Bearer");
    assertThat(Fixture.JSON.readTree(none.body()).get("error").asText()).contains("Authorization: Bearer");
    HttpResponse<String> wrong = send("POST", "/v1/admin/model", "{\"path\":\"/tmp/x.kdm\"}", TOKEN + "x");
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(Fixture.JSON.readTree(wrong.body()).get("error").asText()).isEqualTo("wrong admin token");

    HttpResponse<String> info = send("GET", "/v1/admin/model", null, TOKEN);
    assertThat(info.statusCode()).isEqualTo(200);
    assertThat(Fixture.JSON.readTree(info.body()).get("version").asText()).matches("[0-9a-f]{8}");
    HttpResponse<String> relative = send("POST", "/v1/admin/model", "{\"path\":\"model.kdm\"}", TOKEN);
    assertThat(relative.statusCode()).isEqualTo(400);
    assertThat(relative.body()).contains("absolute");
    Path missing = dir.resolve("missing.kdm").toAbsolutePath();
    assertThat(send("POST", "/v1/admin/model", "{\"path\":\"" + missing + "\"}", TOKEN).body()).contains("no such file");
    assertThat(Files.exists(missing)).isFalse();
  }

  @Test
  void invalidOperationsSettingsAreRefusedWithTheirName() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> OperationsConfig.DEFAULTS.withAdmission(0, 1, 1))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxInFlight must be >= 1, got 0");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> OperationsConfig.DEFAULTS.withAdminToken("short"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least 16 characters");
  }
}
