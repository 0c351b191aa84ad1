package dev.kindred.serve;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kindred.core.LatentFactorModel;
import dev.kindred.core.ModelFile;
import dev.kindred.core.RecommendOptions;
import dev.kindred.core.Recommenders;
import dev.kindred.core.ScoredItems;
import dev.kindred.math.FactorPrecision;
import dev.kindred.math.MappedFactors;
import java.net.http.HttpResponse;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hot model swap in-process: by the admin endpoint and by a watched file; the served model and
 * version change, requests during a swap all succeed, logged events carry over, bad files are
 * refused while the old model keeps serving.
 */
class HotSwapTest {

  static final String TOKEN = OperationsTest.TOKEN;

  @TempDir
  Path dir;

  // Two models of one shape with different factors.
  final LatentFactorModel modelA = Fixture.model(3, 1_000, 8);
  final LatentFactorModel modelB = Fixture.model(11, 2_000, 8);
  Path fileA;
  Path fileB;
  Path logFile;
  KindredServer server;
  EventLog log;

  @BeforeEach
  void files() throws Exception {
    fileA = dir.resolve("a.kdm").toAbsolutePath();
    fileB = dir.resolve("b.kdm").toAbsolutePath();
    logFile = dir.resolve("events.log");
    ModelFile.write(modelA, fileA);
    ModelFile.write(modelB, fileB);
  }

  @AfterEach
  void stop() throws Exception {
    if (server != null) server.close();
    if (log != null) log.close();
  }

  void start(OperationsConfig ops) throws Exception {
    ServeConfig config = new ServeConfig("127.0.0.1", 0, 50, 100, 1 << 16);
    log = EventLog.open(logFile, EventLog.Sync.NONE);
    server = KindredServer.start(new RecommendationService(ModelFile.read(fileA), null, config, log, List.of()),
        config, ops);
  }

  HttpResponse<String> admin(String method, String body) throws Exception {
    return OperationsTest.send(server, method, "/v1/admin/model", body, TOKEN);
  }

  HttpResponse<String> swapTo(Path file) throws Exception {
    return admin("POST", "{\"path\":\"" + file + "\"}");
  }

  String version() throws Exception {
    return Fixture.get(server, "/readyz").body().get("version").asText();
  }

  static List<String> expectedTop(LatentFactorModel m, String user, int k) {
    ScoredItems s = Recommenders.of(m).recommend(m.userIndex().indexOf(user), k, new RecommendOptions(null, null, null));
    List<String> out = new ArrayList<>();
    for (int i : s.items()) out.add(m.itemIndex().externalId(i));
    return out;
  }

  @Test
  void aSwapChangesTheServedModelAndItsVersionEverywhere() throws Exception {
    start(OperationsConfig.DEFAULTS.withAdminToken(TOKEN));
    String versionA = version();
    assertThat(versionA).isEqualTo(ServingState.versionOf(modelA));
    assertThat(Fixture.items(Fixture.get(server, "/v1/users/u5/recommendations?k=6").body()))
        .isEqualTo(expectedTop(modelA, "u5", 6));
    assertThat(expectedTop(modelA, "u5", 6)).isNotEqualTo(expectedTop(modelB, "u5", 6));

    HttpResponse<String> r = swapTo(fileB);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode body = Fixture.JSON.readTree(r.body());
    assertThat(body.get("previous_version").asText()).isEqualTo(versionA);
    String versionB = ServingState.versionOf(modelB);
    assertThat(body.get("version").asText()).isEqualTo(versionB).isNotEqualTo(versionA);

    assertThat(version()).isEqualTo(versionB);
    assertThat(Fixture.get(server, "/readyz").body().get("source").asText()).isEqualTo(fileB.toString());
    assertThat(Fixture.items(Fixture.get(server, "/v1/users/u5/recommendations?k=6").body()))
        .isEqualTo(expectedTop(modelB, "u5", 6));
    String metrics = OperationsTest.send(server, "GET", "/metrics", null, null).body();
    assertThat(OperationsTest.sample(metrics, "kindred_model_info", "version=\"" + versionB + "\"")).isEqualTo(1.0);
    assertThat(metrics).doesNotContain("version=\"" + versionA + "\"");
    assertThat(OperationsTest.sample(metrics, "kindred_model_swaps_total", "result=\"ok\"")).isEqualTo(1.0);
    assertThat(Fixture.JSON.readTree(admin("GET", null).body()).get("last_swap").get("ok").asBoolean()).isTrue();
  }

  @Test
  void inAnnModeTheSwappedInModelGetsItsOwnGraph() throws Exception {
    ServeConfig config = new ServeConfig("127.0.0.1", 0, 50, 100, 1 << 16);
    var ann = dev.kindred.serve.retrieval.RetrievalConfig.DEFAULTS
        .withMode(dev.kindred.serve.retrieval.RetrievalMode.ANN).withRecallProbe(50, 10, 0.5);
    RecommendationService service = new RecommendationService(ModelFile.read(fileA), null, config, null, List.of(), ann);
    server = KindredServer.start(service, config, OperationsConfig.DEFAULTS.withAdminToken(TOKEN));
    var before = service.retrieval();
    assertThat(swapTo(fileB).statusCode()).isEqualTo(200);
    assertThat(service.retrieval()).isNotSameAs(before);
    assertThat(service.retrieval().isAnn()).isTrue();
    assertThat(Fixture.get(server, "/readyz").body().get("retrieval").get("mode").asText()).isEqualTo("ann");
    JsonNode r = Fixture.get(server, "/v1/users/u5/recommendations?k=6").body();
    assertThat(r.get("retrieval").asText()).isEqualTo("ann");
    // 80 items and a beam of 100: the graph search is exhaustive, so the list is model B's exact one.
    assertThat(Fixture.items(r)).isEqualTo(expectedTop(modelB, "u5", 6));
  }

  @Test
  void eventsLoggedBeforeASwapAreReflectedAfterIt() throws Exception {
    start(OperationsConfig.DEFAULTS.withAdminToken(TOKEN));
    String events = "{\"events\":[{\"user\":\"newbie\",\"item\":\"i3\"},{\"user\":\"newbie\",\"item\":\"i8\",\"value\":2},"
        + "{\"user\":\"u7\",\"item\":\"i40\"}]}";
    assertThat(Fixture.post(server, "/v1/events", events).status()).isEqualTo(200);
    assertThat(swapTo(fileB).statusCode()).isEqualTo(200);

    JsonNode newbie = Fixture.get(server, "/v1/users/newbie/recommendations?k=5").body();
    assertThat(newbie.get("source").asText()).isEqualTo("fold-in");
    assertThat(Fixture.items(newbie)).hasSize(5).doesNotContain("i3", "i8");
    JsonNode u7 = Fixture.get(server, "/v1/users/u7/recommendations?k=5").body();
    assertThat(u7.get("source").asText()).isEqualTo("fold-in");
    assertThat(Fixture.items(u7)).doesNotContain("i40");

    // The same lists as a server started on model B from the same log.
    ServeConfig config = new ServeConfig("127.0.0.1", 0, 50, 100, 1 << 16);
    try (KindredServer fresh = KindredServer.start(
        new RecommendationService(modelB, null, config, null, EventLog.replay(logFile)), config)) {
      assertThat(Fixture.items(newbie)).isEqualTo(Fixture.items(Fixture.get(fresh, "/v1/users/newbie/recommendations?k=5").body()));
      assertThat(Fixture.items(u7)).isEqualTo(Fixture.items(Fixture.get(fresh, "/v1/users/u7/recommendations?k=5").body()));
    }
    // Events keep flowing into the new model.
    assertThat(Fixture.post(server, "/v1/events", "{\"user\":\"newbie\",\"item\":\"" + Fixture.items(newbie).get(0) + "\"}")
        .status()).isEqualTo(200);
    assertThat(Fixture.items(Fixture.get(server, "/v1/users/newbie/recommendations?k=5").body()))
        .doesNotContain(Fixture.items(newbie).get(0));
  }

  /**
   * A model trained after an event was logged was not necessarily trained on it: the event is
   * re-applied to every model swapped in, whenever it was trained (the cut-off rule this replaces
   * re-applied none here, and the user saw the item they had just used).
   */
  @Test
  void everyLoggedEventIsReappliedWhateverTheModelsTrainingTime() throws Exception {
    start(OperationsConfig.DEFAULTS.withAdminToken(TOKEN));
    String used = "i3";
    assertThat(Fixture.post(server, "/v1/events", "{\"user\":\"newbie\",\"item\":\"" + used + "\"}").status())
        .isEqualTo(200);
    for (long createdAt : new long[] {System.currentTimeMillis() + 86_400_000L, 2_000, 0}) {
      Path file = dir.resolve("m" + createdAt + ".kdm").toAbsolutePath();
      ModelFile.write(Fixture.model(11, createdAt, 8), file);
      JsonNode r = Fixture.JSON.readTree(swapTo(file).body());
      assertThat(r.get("events_reapplied").asInt()).as("model made at %d", createdAt).isEqualTo(1);
      assertThat(r.get("events_rule").asText()).startsWith("every logged event");
      var list = Fixture.get(server, "/v1/users/newbie/recommendations?k=5");
      assertThat(list.status()).isEqualTo(200);
      assertThat(Fixture.items(list.body())).as("the item the user just used").doesNotContain(used);
    }
  }

  @Test
  void corruptOrWrongDimensionFilesAreRefusedAndTheOldModelKeepsServing() throws Exception {
    start(OperationsConfig.DEFAULTS.withAdminToken(TOKEN));
    String versionA = version();
    Path corrupt = dir.resolve("corrupt.kdm").toAbsolutePath();
    byte[] bytes = Files.readAllBytes(fileB);
    bytes[bytes.length / 2] ^= 0x5a;
    Files.write(corrupt, bytes);
    Path truncated = dir.resolve("truncated.kdm").toAbsolutePath();
    Files.write(truncated, Arrays.copyOf(bytes, bytes.length / 3));
    Path wrongDim = dir.resolve("dim4.kdm").toAbsolutePath();
    ModelFile.write(Fixture.model(5, 3_000, 4), wrongDim);
    Path nonFinite = dir.resolve("nan.kdm").toAbsolutePath();
    ModelFile.write(withNaNItemFactor(Fixture.model(6, 3_000, 8)), nonFinite);

    for (Path bad : List.of(corrupt, truncated, wrongDim, nonFinite)) {
      HttpResponse<String> r = swapTo(bad);
      assertThat(r.statusCode()).as(bad.toString()).isEqualTo(422);
      String error = Fixture.JSON.readTree(r.body()).get("error").asText();
      assertThat(error).startsWith("model refused, the old one keeps serving: ").contains(bad.toString());
      if (bad == wrongDim) assertThat(error).contains("latent dimension 4 does not match the serving model's 8");
      if (bad == corrupt) assertThat(error).containsIgnoringCase("checksum");
      if (bad == nonFinite) {
        assertThat(error).contains(nonFinite + ": bad model file: section 'item-factors' holds a NaN or infinite value"
            + " in row 7");
      }
      assertThat(version()).isEqualTo(versionA);
      assertThat(Fixture.items(Fixture.get(server, "/v1/users/u5/recommendations?k=6").body()))
          .isEqualTo(expectedTop(modelA, "u5", 6));
    }
    String metrics = OperationsTest.send(server, "GET", "/metrics", null, null).body();
    assertThat(OperationsTest.sample(metrics, "kindred_model_swaps_total", "result=\"refused\"")).isEqualTo(4.0);
    assertThat(Fixture.JSON.readTree(admin("GET", null).body()).get("last_swap").get("ok").asBoolean()).isFalse();
  }

  /**
   * The model with a NaN in item 7's factors, which a trainer never returns (its constructor refuses
   * non-finite on-heap factors), so the item factors are given as a mapped copy: the file is written
   * with valid checksums, as a buggy external writer would.
   */
  static LatentFactorModel withNaNItemFactor(LatentFactorModel m) {
    int dim = m.dim();
    MemorySegment seg = Arena.ofAuto().allocate((long) m.numItems() * dim * 4);
    for (int i = 0; i < m.numItems(); i++) {
      float[] row = m.itemStore().row(i);
      for (int d = 0; d < dim; d++) {
        seg.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, (long) i * dim + d, i == 7 && d == 2 ? Float.NaN : row[d]);
      }
    }
    return new LatentFactorModel(m.provenance(), m.userIndex(), m.itemIndex(), m.globalMean(), null, null,
        m.userStore(), new MappedFactors(seg, m.numItems(), dim, FactorPrecision.FP32), m.scoreMin(), m.scoreMax(),
        m.foldInRule());
  }

  /** Two client threads hammer the recommend routes while the model is swapped back and forth: no request fails. */
  @Test
  void swapsUnderLoadFailNoRequest() throws Exception {
    start(OperationsConfig.DEFAULTS.withAdminToken(TOKEN));
    assertThat(Fixture.post(server, "/v1/events", "{\"user\":\"newbie\",\"item\":\"i3\"}").status()).isEqualTo(200);
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicLong ok = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
    List<Thread> clients = new ArrayList<>();
    for (int c = 0; c < 2; c++) {
      int id = c;
      clients.add(Thread.ofPlatform().start(() -> {
        int n = 0;
        while (running.get()) {
          try {
            Fixture.Reply r = (n++ & 1) == 0
                ? Fixture.get(server, "/v1/users/u" + (n % 50) + "/recommendations?k=10")
                : Fixture.post(server, "/v1/recommend", "{\"user\":\"" + (id == 0 ? "newbie" : "u9") + "\",\"k\":10}");
            if (r.status() == 200 && r.body().get("items").size() == 10) {
              ok.incrementAndGet();
            } else {
              failed.incrementAndGet();
              failures.add(r.status() + " " + r.body());
            }
          } catch (Exception e) {
            failed.incrementAndGet();
            failures.add(e.toString());
          }
        }
      }));
    }
    int swaps = 0;
    try {
      while (swaps < 10 || ok.get() < 200) {
        HttpResponse<String> r = swapTo(swaps % 2 == 0 ? fileB : fileA);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        swaps++;
        if (swaps > 1000) break;
      }
    } finally {
      running.set(false);
      for (Thread t : clients) t.join();
    }
    assertThat(failures).isEmpty();
    assertThat(failed.get()).isZero();
    assertThat(ok.get()).isGreaterThanOrEqualTo(200);
    assertThat(swaps).isGreaterThanOrEqualTo(10);
  }

  @Test
  void aWatchedFileIsSwappedInWhenItChangesAndABadOneIsRefused() throws Exception {
    Path watched = dir.resolve("watched.kdm").toAbsolutePath();
    Files.copy(fileA, watched);
    start(OperationsConfig.DEFAULTS.withAdminToken(TOKEN).withWatch(watched, 20));
    String versionA = version();

    ModelFile.write(modelB, watched);
    awaitLastSwap(watched);
    assertThat(version()).isEqualTo(ServingState.versionOf(modelB)).isNotEqualTo(versionA);

    Files.write(watched, "not a model".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    JsonNode refused = awaitLastSwapFailure();
    assertThat(refused.get("error").asText()).contains("not a Kindred model file");
    assertThat(refused.get("trigger").asText()).isEqualTo("watch");
    assertThat(version()).isEqualTo(ServingState.versionOf(modelB));
    assertThat(Fixture.get(server, "/v1/users/u5/recommendations?k=6").status()).isEqualTo(200);
  }

  /** Waits (up to 30 s; the watcher polls every 20 ms) until the watcher has swapped in {@code file}. */
  private void awaitLastSwap(Path file) throws Exception {
    for (int i = 0; i < 3000; i++) {
      JsonNode last = Fixture.JSON.readTree(admin("GET", null).body()).get("last_swap");
      if (last != null && last.get("ok").asBoolean() && last.get("path").asText().equals(file.toString())) return;
      Thread.sleep(10);
    }
    throw new AssertionError("the watcher did not swap in " + file);
  }

  private JsonNode awaitLastSwapFailure() throws Exception {
    for (int i = 0; i < 3000; i++) {
      JsonNode last = Fixture.JSON.readTree(admin("GET", null).body()).get("last_swap");
      if (last != null && !last.get("ok").asBoolean()) return last;
      Thread.sleep(10);
    }
    throw new AssertionError("the watcher did not report the bad file");
  }
}
