package dev.kindred.serve;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kindred.core.IdIndex;
import dev.kindred.core.Interactions;
import dev.kindred.core.LatentFactorModel;
import dev.kindred.core.ModelFile;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ?explain=true} on a user's list, and {@code DELETE /v1/users/{user}} (forget). */
class ExplainAndForgetTest {

  static final String GONE = "forget-me-zq"; // no other id, item or number contains it

  @TempDir
  Path dir;

  LatentFactorModel model;
  Interactions seen;
  Path modelFile;
  Path logFile;
  EventLog log;
  KindredServer server;

  @BeforeEach
  void start() throws Exception {
    LatentFactorModel f = Fixture.model();
    List<String> ids = new ArrayList<>();
    for (int u = 0; u < f.numUsers(); u++) ids.add(u == 5 ? GONE : "user-" + u);
    model = new LatentFactorModel(f.provenance(), IdIndex.ofStrings(ids), f.itemIndex(), 0f, null, null,
        f.userFactors(), f.itemFactors(), f.scoreMin(), f.scoreMax(), f.foldInRule());
    seen = randomSeen(model, 7);
    modelFile = dir.resolve("model.kdm").toAbsolutePath();
    ModelFile.write(model, modelFile);
    logFile = dir.resolve("events.log");
    ServeConfig config = new ServeConfig("127.0.0.1", 0, 50, 100, 1 << 16);
    log = EventLog.open(logFile, EventLog.Sync.ALWAYS);
    RecommendationService service = new RecommendationService(ModelFile.read(modelFile), seen, config, log, List.of());
    service.modelFile(modelFile);
    server = KindredServer.start(service, config, OperationsConfig.DEFAULTS.withAdminToken(OperationsTest.TOKEN));
  }

  @AfterEach
  void stop() throws Exception {
    if (server != null) server.close();
    if (log != null) log.close();
  }

  static Interactions randomSeen(LatentFactorModel m, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    int n = m.numUsers() * 6;
    int[] u = new int[n];
    int[] i = new int[n];
    float[] v = new float[n];
    for (int j = 0; j < n; j++) {
      u[j] = j / 6;
      i[j] = rng.nextInt(m.numItems());
      v[j] = 1 + rng.nextInt(3);
    }
    return Interactions.fromCoo(m.userIndex(), m.itemIndex(), m.numUsers(), m.numItems(), u, i, v, null, n,
        dev.kindred.core.DuplicatePolicy.LAST);
  }

  @Test
  void explanationsListTopContributorsFromTheHistoryAndAddUp() throws Exception {
    Fixture.Reply r = Fixture.get(server, "/v1/users/user-3/recommendations?k=10&explain=true");
    assertThat(r.status()).isEqualTo(200);
    JsonNode ex = r.body().get("explanations");
    assertThat(ex.size()).isEqualTo(10);
    List<String> history = new ArrayList<>();
    for (int i : seen.itemsOf(3)) history.add(model.itemIndex().externalId(i));
    for (int j = 0; j < ex.size(); j++) {
      JsonNode e = ex.get(j);
      assertThat(e.get("item").asText()).isEqualTo(r.body().get("items").get(j).asText());
      assertThat(e.get("method").asText()).isEqualTo("exact");
      assertThat(e.get("contributors").size()).isEqualTo(3); // the default, the history has 6 items
      double sum = e.get("remainder").asDouble();
      for (JsonNode c : e.get("contributors")) {
        assertThat(history).contains(c.get("item").asText());
        sum += c.get("contribution").asDouble();
      }
      assertThat(sum).isCloseTo(e.get("score").asDouble(), org.assertj.core.data.Offset.offset(1e-4));
    }
    // Without the flag the field is absent; explain_top chooses how many.
    assertThat(Fixture.get(server, "/v1/users/user-3/recommendations?k=10").body().has("explanations")).isFalse();
    JsonNode one = Fixture.get(server, "/v1/users/user-3/recommendations?k=2&explain=true&explain_top=1").body();
    assertThat(one.get("explanations").get(0).get("contributors").size()).isEqualTo(1);
  }

  @Test
  void aFoldedInUserIsExplainedByTheRidgeSolveWithNothingLeftOver() throws Exception {
    assertThat(Fixture.post(server, "/v1/events", "{\"user\":\"user-8\",\"item\":\"i4\",\"value\":2}").status())
        .isEqualTo(200);
    JsonNode b = Fixture.get(server, "/v1/users/user-8/recommendations?k=5&explain=true&explain_top=50").body();
    assertThat(b.get("source").asText()).isEqualTo("fold-in");
    for (JsonNode e : b.get("explanations")) {
      // Tolerance: float Cholesky on an 8 x 8 system.
      assertThat(Math.abs(e.get("remainder").asDouble())).isLessThan(1e-4 * (1 + Math.abs(e.get("score").asDouble())));
    }
  }

  @Test
  void forgetRemovesTheUserFromTheModelFileTheLogAndTheLists() throws Exception {
    for (String ev : new String[] {"{\"user\":\"" + GONE + "\",\"item\":\"i9\"}", "{\"user\":\"user-1\",\"item\":\"i9\"}",
        "{\"user\":\"" + GONE + "\",\"item\":\"i12\",\"value\":3}"}) {
      assertThat(Fixture.post(server, "/v1/events", ev).status()).isEqualTo(200);
    }
    Map<String, List<String>> before = new HashMap<>();
    for (int u = 0; u < 12; u++) {
      if (u == 5) continue;
      before.put("user-" + u, Fixture.items(Fixture.get(server, "/v1/users/user-" + u + "/recommendations").body()));
    }
    byte[] id = GONE.getBytes(StandardCharsets.UTF_8);
    assertThat(holds(Files.readAllBytes(logFile), id)).isTrue();
    assertThat(holds(Files.readAllBytes(modelFile), id)).isTrue();

    assertThat(OperationsTest.send(server, "DELETE", "/v1/users/" + GONE, null, null).statusCode()).isEqualTo(401);
    HttpResponse<String> del = OperationsTest.send(server, "DELETE", "/v1/users/" + GONE, null, OperationsTest.TOKEN);
    assertThat(del.statusCode()).isEqualTo(200);
    JsonNode body = Fixture.JSON.readTree(del.body());
    assertThat(body.get("in_model").asBoolean()).isTrue();
    assertThat(body.get("events_removed").asInt()).isEqualTo(2);
    assertThat(body.get("model_file").asText()).isEqualTo(modelFile.toString());

    // Byte scan: neither the compacted log nor the rewritten model file holds the id.
    assertThat(holds(Files.readAllBytes(logFile), id)).isFalse();
    assertThat(holds(Files.readAllBytes(modelFile), id)).isFalse();
    assertThat(Files.readString(logFile)).contains("user-1\ti9\t");
    assertThat(ModelFile.read(modelFile).numUsers()).isEqualTo(model.numUsers() - 1);

    assertThat(Fixture.get(server, "/v1/users/" + GONE + "/recommendations").status()).isEqualTo(404);
    assertThat(OperationsTest.send(server, "DELETE", "/v1/users/" + GONE, null, OperationsTest.TOKEN).statusCode())
        .isEqualTo(404);
    for (Map.Entry<String, List<String>> e : before.entrySet()) {
      assertThat(Fixture.items(Fixture.get(server, "/v1/users/" + e.getKey() + "/recommendations").body()))
          .as(e.getKey()).isEqualTo(e.getValue());
    }
    // The log stays appendable after the compaction.
    assertThat(Fixture.post(server, "/v1/events", "{\"user\":\"user-2\",\"item\":\"i1\"}").status()).isEqualTo(200);
    assertThat(EventLog.replay(logFile)).extracting(EventLog.Event::user).containsExactly("user-1", "user-2");
  }

  /** Byte scan: whether {@code needle} occurs anywhere in {@code hay} (ISO-8859-1 maps each byte to one char). */
  static boolean holds(byte[] hay, byte[] needle) {
    return new String(hay, StandardCharsets.ISO_8859_1).contains(new String(needle, StandardCharsets.ISO_8859_1));
  }
}
