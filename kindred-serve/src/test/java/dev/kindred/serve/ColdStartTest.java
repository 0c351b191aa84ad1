package dev.kindred.serve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kindred.core.EmbeddingSumEncoder;
import dev.kindred.core.FeatureCodec;
import dev.kindred.core.IdIndex;
import dev.kindred.core.Interactions;
import dev.kindred.core.DuplicatePolicy;
import dev.kindred.core.LatentFactorModel;
import dev.kindred.core.ModelFeatures;
import dev.kindred.core.Provenance;
import dev.kindred.math.FactorMatrix;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cold start on a running server (issue 11's acceptance): a new item posted with features is
 * recommended at once to the users whose history matches them, survives a restart through the
 * item log and a model swap; a new user is scored from the features a request carries.
 *
 * <p>The model is planted: two tastes, "action" and "drama"; users a0..a9 hold action items
 * x0..x9 in their history and have the factor (1, 0), users d0..d9 hold drama items y0..y9 and
 * have (0, 1); item xj has (0.5, 0), yj (0, 0.5). Item features: genre action embeds as (1, 0),
 * drama as (0, 1), so a new action item scores 1 for action users (above every trained item, 0.5)
 * and 0 for drama users (below every drama item).
 */
class ColdStartTest {

  private static final String TOKEN = "cold-start-admin-token";
  private static final HttpClient CLIENT = HttpClient.newHttpClient();

  @TempDir
  Path dir;

  KindredServer server;
  ItemLog itemLog;

  @AfterEach
  void stop() throws Exception {
    if (server != null) server.close();
    if (itemLog != null) itemLog.close();
  }

  static LatentFactorModel planted() {
    IdIndex.Builder ub = new IdIndex.Builder();
    IdIndex.Builder ib = new IdIndex.Builder();
    FactorMatrix p = new FactorMatrix(20, 2);
    FactorMatrix q = new FactorMatrix(20, 2);
    for (int j = 0; j < 10; j++) {
      ub.add("a" + j);
      p.set(j, 0, 1f);
      ib.add("x" + j);
      q.set(j, 0, 0.5f);
    }
    for (int j = 0; j < 10; j++) {
      ub.add("d" + j);
      p.set(10 + j, 1, 1f);
      ib.add("y" + j);
      q.set(10 + j, 1, 0.5f);
    }
    Provenance prov = Provenance.builder("hybrid").seed(1).size(20, 20, 200).trainSeconds(0.1)
        .createdAtMillis(0).kindredVersion("test").build();
    return new LatentFactorModel(prov, ub.build(), ib.build(), 0f, new float[20], new float[20], p, q);
  }

  /** Each user's training history: the ten items of their taste. */
  static Interactions seen(LatentFactorModel m) {
    int n = 200;
    int[] u = new int[n];
    int[] i = new int[n];
    float[] v = new float[n];
    for (int user = 0; user < 20; user++) {
      for (int j = 0; j < 10; j++) {
        u[user * 10 + j] = user;
        i[user * 10 + j] = (user < 10 ? 0 : 10) + j;
        v[user * 10 + j] = 1f;
      }
    }
    return Interactions.fromCoo(m.userIndex(), m.itemIndex(), 20, 20, u, i, v, null, n, DuplicatePolicy.LAST);
  }

  static ModelFeatures features() {
    FeatureCodec.Field genre = new FeatureCodec.Field("genre", FeatureCodec.Encoding.VALUE, 0, 2, false,
        Map.of("action", 0, "drama", 1), null);
    FeatureCodec.Field age = new FeatureCodec.Field("age", FeatureCodec.Encoding.RANGE, 0, 2, false, Map.of(),
        new double[] {30});
    ModelFeatures.Side items = new ModelFeatures.Side(new FeatureCodec(List.of(genre), true, null),
        new EmbeddingSumEncoder(2, 2, false, new float[] {1, 0, 0, 1}, new float[2]));
    // Users: under 30 like action, 30 and over drama.
    ModelFeatures.Side users = new ModelFeatures.Side(new FeatureCodec(List.of(age), true, null),
        new EmbeddingSumEncoder(2, 2, false, new float[] {1, 0, 0, 1}, new float[2]));
    return new ModelFeatures(users, items);
  }

  void start(Path logFile) throws Exception {
    ServeConfig config = new ServeConfig("127.0.0.1", 0, 50, 100, 1 << 16);
    LatentFactorModel m = planted();
    RecommendationService service = new RecommendationService(m, seen(m), config);
    itemLog = ItemLog.open(logFile, EventLog.Sync.ALWAYS);
    service.coldStart(new ColdStart(features(), Map.of(), Map.of("newcomer", Map.of("age", List.of("22"))), itemLog,
        ItemLog.replay(logFile)));
    server = KindredServer.start(service, config, OperationsConfig.DEFAULTS.withAdminToken(TOKEN));
  }

  Fixture.Reply postItem(String body, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/v1/items"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
    if (token != null) b.header("Authorization", "Bearer " + token);
    HttpResponse<String> r = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
    return new Fixture.Reply(r.statusCode(), Fixture.JSON.readTree(r.body()));
  }

  List<String> top(String user, int k) throws Exception {
    Fixture.Reply r = Fixture.get(server, "/v1/users/" + user + "/recommendations?k=" + k + "&exclude_seen=false");
    assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
    return Fixture.items(r.body());
  }

  @Test
  void aPostedItemIsRecommendedAtOnceToUsersWhoseHistoryMatchesItsFeaturesAndSurvivesARestart() throws Exception {
    Path logFile = dir.resolve("items.log");
    start(logFile);
    assertThat(top("a3", 1)).doesNotContain("new-action");
    Fixture.Reply ok = postItem("{\"item\": \"new-action\", \"features\": {\"genre\": [\"action\"]}}", TOKEN);
    assertThat(ok.status()).as(ok.body().toString()).isEqualTo(200);
    assertThat(ok.body().get("items").asInt()).isEqualTo(21);
    // Acknowledged means logged.
    assertThat(Files.readAllLines(logFile)).hasSize(1);
    for (int j = 0; j < 10; j++) assertThat(top("a" + j, 1)).containsExactly("new-action");
    for (int j = 0; j < 10; j++) assertThat(top("d" + j, 10)).doesNotContain("new-action");

    server.close();
    itemLog.close();
    start(logFile);
    assertThat(top("a5", 1)).containsExactly("new-action");
  }

  @Test
  void aPostedItemSurvivesAModelSwap() throws Exception {
    start(dir.resolve("swap.log"));
    assertThat(postItem("{\"item\": \"new-drama\", \"features\": {\"genre\": \"drama\"}}", TOKEN).status())
        .isEqualTo(200);
    Path file = dir.resolve("m.kdm");
    dev.kindred.core.ModelFile.write(planted(), file);
    HttpRequest swap = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/v1/admin/model"))
        .header("Authorization", "Bearer " + TOKEN)
        .POST(HttpRequest.BodyPublishers.ofString("{\"path\": \"" + file.toAbsolutePath() + "\"}")).build();
    assertThat(CLIENT.send(swap, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
    assertThat(top("d2", 1)).containsExactly("new-drama");
  }

  @Test
  void aNewUserIsScoredFromRequestFeaturesOrTheUserFile() throws Exception {
    start(dir.resolve("users.log"));
    Fixture.Reply r = Fixture.post(server, "/v1/recommend", "{\"features\": {\"age\": 45}, \"k\": 3}");
    assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
    assertThat(r.body().get("source").asText()).isEqualTo("features");
    assertThat(Fixture.items(r.body())).allMatch(i -> i.startsWith("y"));
    Fixture.Reply file = Fixture.post(server, "/v1/recommend", "{\"user\": \"newcomer\", \"k\": 3}");
    assertThat(file.status()).as(file.body().toString()).isEqualTo(200);
    assertThat(Fixture.items(file.body())).allMatch(i -> i.startsWith("x"));
    Fixture.Reply none = Fixture.post(server, "/v1/recommend", "{\"k\": 3}");
    assertThat(none.status()).isEqualTo(400);
    assertThat(none.body().get("error").asText()).contains("\"features\"");
  }

  @Test
  void badItemsAreRefusedWithTheReason() throws Exception {
    start(dir.resolve("bad.log"));
    assertThat(postItem("{\"item\": \"n\", \"features\": {\"genre\": \"action\"}}", null).status()).isEqualTo(401);
    Fixture.Reply known = postItem("{\"item\": \"x1\", \"features\": {\"genre\": \"action\"}}", TOKEN);
    assertThat(known.status()).isEqualTo(409);
    Fixture.Reply unknown = postItem("{\"item\": \"n\", \"features\": {\"genre\": \"western\"}}", TOKEN);
    assertThat(unknown.status()).isEqualTo(400);
    assertThat(unknown.body().get("error").asText()).contains("none of the features").contains("genre");
    assertThat(postItem("{\"item\": \"n\"}", TOKEN).body().get("error").asText()).contains("\"features\"");
    assertThat(Files.readAllLines(dir.resolve("bad.log"))).isEmpty();
  }
}
