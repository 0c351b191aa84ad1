package dev.kindred.bench.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The load generator against a stand-in server (the JDK's built-in HTTP server): latency counts
 * from the intended send time through a planted stall, statuses are counted, chunked and
 * fixed-length responses share one keep-alive connection, the reflection probe sees events, and
 * the Zipf sampler draws at the stated rates.
 */
class LoadGeneratorTest {

  @TempDir
  Path dir;

  HttpServer server;
  final AtomicInteger recommendations = new AtomicInteger();
  final Set<String> acted = ConcurrentHashMap.newKeySet();
  final Set<Integer> clientPorts = ConcurrentHashMap.newKeySet();
  volatile int stallAt = -1;

  @BeforeEach
  void startServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(Executors.newFixedThreadPool(4));
    server.createContext("/readyz", ex -> reply(ex, 200, "{\"status\":\"ready\"}", false));
    server.createContext("/healthz", ex -> reply(ex, 200, "{\"status\":\"ok\"}", false));
    server.createContext("/v1/users/", ex -> {
      int n = recommendations.incrementAndGet();
      clientPorts.add(ex.getRemoteAddress().getPort());
      if (n == stallAt) sleep(300);
      String user = ex.getRequestURI().getPath().split("/")[3];
      if (user.equals("missing")) {
        reply(ex, 404, "{\"error\":\"unknown user\"}", false);
      } else {
        String items = acted.contains(user) ? "[\"y\",\"z\"]" : "[\"x\",\"y\"]";
        reply(ex, 200, "{\"user\":\"" + user + "\",\"items\":" + items + "}", user.equals("b"));
      }
    });
    server.createContext("/v1/events", ex -> {
      JsonNode body = KindredClient.JSON.readTree(ex.getRequestBody().readAllBytes());
      JsonNode e = body.get("events").get(0);
      if (e.get("item").asText().equals("x")) acted.add(e.get("user").asText());
      reply(ex, 200, "{\"accepted\":1}", false);
    });
    server.start();
  }

  @AfterEach
  void stopServer() {
    server.stop(0);
  }

  private void reply(HttpExchange ex, int status, String json, boolean chunked) throws IOException {
    byte[] b = json.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(status, chunked ? 0 : b.length);
    try (OutputStream os = ex.getResponseBody()) {
      os.write(b);
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  private Path usersFile(String... users) throws IOException {
    Path f = dir.resolve("users.tsv");
    StringBuilder sb = new StringBuilder();
    for (String u : users) sb.append(u).append("\titem-").append(u).append("\t1\n");
    Files.writeString(f, sb);
    return f;
  }

  @SuppressWarnings("unchecked")
  private static double ms(Map<String, Object> result, String histogram, String key) {
    return ((Number) ((Map<String, Object>) result.get(histogram)).get(key)).doubleValue();
  }

  @Test
  void aStallIsChargedToEveryRequestDueDuringItNotOnlyToTheOneThatStalled() throws Exception {
    // One sender, 100 requests/s for 2 s; request 50 stalls 300 ms. The ~30 requests due during
    // the stall are sent late, so their latency from the intended send time is large although
    // their own service time is not. A closed-loop tool would report one slow request.
    stallAt = 50;
    Path users = usersFile("a", "b", "c", "missing");
    LoadOptions o = LoadOptions.parse(new String[] {"--url", url().toString(), "--users-file", users.toString(),
        "--rate", "100", "--duration", "2", "--warmup", "0", "--threads", "1", "--zipf", "0"});
    Map<String, Object> r;
    try (KindredClient client = new KindredClient(o.url(), Duration.ofSeconds(5))) {
      r = LoadGenerator.load(client, Workload.read(users, 0, 1), o);
    }
    assertThat(r.get("requests")).isEqualTo(200L);
    // 25 of 200 requests were due in the first 250 ms of the stall: each waited over 50 ms.
    assertThat(ms(r, "latency", "p90_ms")).isGreaterThanOrEqualTo(50);
    assertThat(ms(r, "latency", "max_ms")).isGreaterThanOrEqualTo(290);
    // Only the stalled request itself (1 of 200) took long to serve.
    assertThat(ms(r, "service_time", "max_ms")).isGreaterThanOrEqualTo(290);
    assertThat(ms(r, "service_time", "p99_ms")).isLessThan(250);
    assertThat(ms(r, "send_lag", "max_ms")).isGreaterThanOrEqualTo(250);
    // The schedule is 2 s long; the achieved rate is the offered one within 15 %.
    assertThat(((Number) r.get("achieved_rate")).doubleValue()).isBetween(85.0, 115.0);
    // Statuses by code: a quarter of uniform draws name the unknown user (200 draws, +-5 sigma).
    @SuppressWarnings("unchecked")
    Map<String, Long> statuses = (Map<String, Long>) r.get("statuses");
    assertThat(statuses.keySet()).containsExactlyInAnyOrder("200", "404");
    assertThat(statuses.get("200") + statuses.get("404")).isEqualTo(200L);
    assertThat(statuses.get("404")).isBetween(20L, 80L);
    assertThat(r.get("errors")).isEqualTo(statuses.get("404"));
  }

  @Test
  void theRawConnectionReadsFixedAndChunkedBodiesOnOneKeptAliveConnection() throws Exception {
    RawHttpConnection c = new RawHttpConnection(url(), 5000);
    for (int i = 0; i < 20; i++) {
      assertThat(c.get("/v1/users/b/recommendations?k=2")).isEqualTo(200); // chunked
      assertThat(c.get("/v1/users/a/recommendations?k=2")).isEqualTo(200); // Content-Length
      assertThat(c.get("/v1/users/missing/recommendations?k=2")).isEqualTo(404);
      assertThat(c.post("/v1/events", "{\"events\":[{\"user\":\"q\",\"item\":\"w\"}]}".getBytes(StandardCharsets.UTF_8)))
          .isEqualTo(200);
    }
    c.close();
    assertThat(recommendations.get()).isEqualTo(60);
    assertThat(clientPorts).as("client ports seen by the server: one connection").hasSize(1);
    // After the server is gone, a request fails with an IOException (counted as an error), not a hang.
    server.stop(0);
    assertThatThrownBy(() -> c.get("/healthz")).isInstanceOf(IOException.class);
  }

  @Test
  void theReflectionProbeTimesEachEventUntilItsItemLeavesTheList() throws Exception {
    Path users = usersFile("u1", "u2", "u3", "u4", "u5", "u6");
    LoadOptions o = LoadOptions.parse(new String[] {"--url", url().toString(), "--users-file", users.toString(),
        "--mode", "reflect", "--reflect-users", "4", "--reflect-warmup", "2", "--k", "2"});
    Map<String, Object> r;
    try (KindredClient client = new KindredClient(o.url(), Duration.ofSeconds(5))) {
      r = ReflectionProbe.run(client, Workload.read(users, 0, 1), o);
    }
    assertThat(r.get("warmup_users")).isEqualTo(2);
    assertThat(r.get("users_probed")).isEqualTo(4L);
    assertThat(r.get("not_reflected")).isEqualTo(0);
    assertThat(r.get("mean_polls")).isEqualTo(1.0);
    assertThat(acted).hasSize(6);
    assertThat(ms(r, "time_to_reflected", "p50_ms")).isGreaterThanOrEqualTo(ms(r, "ack", "p50_ms"));
  }

  @Test
  void zipfDrawsTheTopUserAtOneOverTheHarmonicNumber() throws IOException {
    String[] ids = new String[1000];
    for (int i = 0; i < ids.length; i++) ids[i] = "u" + i;
    Workload w = Workload.read(usersFile(ids), 1.0, 9);
    SplittableRandom rng = new SplittableRandom(3);
    Map<String, Integer> counts = new java.util.HashMap<>();
    int n = 200_000;
    for (int i = 0; i < n; i++) counts.merge(w.user(rng), 1, Integer::sum);
    double harmonic = 0;
    for (int r = 1; r <= 1000; r++) harmonic += 1.0 / r;
    // Top rank: p = 1 / H(1000) = 0.1336; second: half that. Binomial sd at n = 200k is < 0.001.
    List<Integer> sorted = counts.values().stream().sorted(java.util.Comparator.reverseOrder()).toList();
    assertThat(sorted.get(0) / (double) n).isCloseTo(1 / harmonic, org.assertj.core.data.Offset.offset(0.005));
    assertThat(sorted.get(1) / (double) n).isCloseTo(0.5 / harmonic, org.assertj.core.data.Offset.offset(0.005));
    // Uniform (s = 0): every user near 1/1000.
    Workload u = Workload.read(usersFile(ids), 0, 9);
    Map<String, Integer> uc = new java.util.HashMap<>();
    for (int i = 0; i < n; i++) uc.merge(u.user(rng), 1, Integer::sum);
    assertThat(uc).hasSize(1000);
    assertThat(uc.values().stream().mapToInt(Integer::intValue).max().orElseThrow()).isLessThan(300);
  }

  @Test
  void badFlagsAreRefusedWithTheFlagNamed() {
    assertThatThrownBy(() -> LoadOptions.parse(new String[] {"--endpoint", "healthz", "--rate", "-5"}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--rate").hasMessageContaining("-5");
    assertThatThrownBy(() -> LoadOptions.parse(new String[] {"--endpoint", "healthz", "--sped", "1"}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("unknown flag --sped");
    assertThatThrownBy(() -> LoadOptions.parse(new String[] {"--rate", "10"}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--users-file");
    assertThatThrownBy(() -> LoadOptions.parse(new String[] {"--endpoint", "healthz", "--transport", "carrier-pigeon"}))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("--transport");
  }
}
