package dev.kindred.serve;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kindred.core.DuplicatePolicy;
import dev.kindred.core.IdIndex;
import dev.kindred.core.Interactions;
import dev.kindred.core.LatentFactorModel;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The server in-process on 127.0.0.1 with a free port: every endpoint and every error case. */
class KindredServerTest {

  static KindredServer server;
  static LatentFactorModel model;

  /** The fixture model; user u0 has seen i0..i4 (the training interactions given to the server). */
  @BeforeAll
  static void start() {
    model = Fixture.model();
    IdIndex users = model.userIndex();
    IdIndex items = model.itemIndex();
    Interactions seen = Interactions.fromCoo(users, items, 50, 80, new int[] {0, 0, 0, 0, 0}, new int[] {0, 1, 2, 3, 4},
        new float[] {1, 1, 1, 1, 1}, null, 5, DuplicatePolicy.LAST);
    ServeConfig config = new ServeConfig("127.0.0.1", 0, 50, 10, 4096);
    server = KindredServer.start(new RecommendationService(model, seen, config), config);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  static Fixture.Reply get(String path) throws Exception {
    return Fixture.get(server, path);
  }

  static Fixture.Reply post(String path, String body) throws Exception {
    return Fixture.post(server, path, body);
  }

  static List<String> items(JsonNode n) {
    return Fixture.items(n);
  }

  @Test
  void healthAndReadiness() throws Exception {
    assertThat(get("/healthz").body().get("status").asText()).isEqualTo("ok");
    Fixture.Reply r = get("/readyz");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body().get("items").asInt()).isEqualTo(80);
    assertThat(r.body().get("model").asText()).isEqualTo("ials");
  }

  @Test
  void recommendForAKnownUserExcludesSeenItemsAndMatchesTheModel() throws Exception {
    Fixture.Reply r = get("/v1/users/u0/recommendations?k=7");
    assertThat(r.status()).isEqualTo(200);
    List<String> got = items(r.body());
    assertThat(got).hasSize(7).doesNotContain("i0", "i1", "i2", "i3", "i4");
    // The first item has the highest dot product among unseen items.
    int best = -1;
    float bestScore = Float.NEGATIVE_INFINITY;
    for (int i = 5; i < 80; i++) {
      if (model.score(0, i) > bestScore) {
        bestScore = model.score(0, i);
        best = i;
      }
    }
    assertThat(got.get(0)).isEqualTo("i" + best);
    assertThat(items(get("/v1/users/u0/recommendations?k=7&exclude_seen=false").body())).hasSize(7);
  }

  @Test
  void postRecommendHonoursExcludeAndCandidatesAndReportsUnknownItems() throws Exception {
    Fixture.Reply r = post("/v1/recommend", "{\"user\":\"u3\",\"k\":3,\"candidates\":[\"i10\",\"i11\",\"i12\",\"i13\",\"nope\"],"
        + "\"exclude\":[\"i10\"]}");
    assertThat(r.status()).isEqualTo(200);
    assertThat(items(r.body())).hasSize(3).isSubsetOf("i11", "i12", "i13");
    assertThat(r.body().get("unknown_items").get(0).asText()).isEqualTo("nope");
  }

  @Test
  void aNewUserIsFoldedInFromAHistory() throws Exception {
    Fixture.Reply r = post("/v1/recommend", "{\"user\":\"new-user\",\"history\":[\"i7\",\"i9\",\"i20\"],\"k\":5}");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body().get("source").asText()).isEqualTo("fold-in");
    assertThat(items(r.body())).hasSize(5).doesNotContain("i7", "i9", "i20");
  }

  @Test
  void batchSimilarAndScore() throws Exception {
    Fixture.Reply b = post("/v1/recommend/batch", "{\"users\":[\"u1\",\"u2\",\"ghost\"],\"k\":4}");
    assertThat(b.status()).isEqualTo(200);
    assertThat(b.body().get("recommendations")).hasSize(2);
    assertThat(b.body().get("unknown_users").get(0).asText()).isEqualTo("ghost");

    Fixture.Reply s = get("/v1/items/i5/similar?k=6");
    assertThat(s.status()).isEqualTo(200);
    assertThat(items(s.body())).hasSize(6).doesNotContain("i5");

    Fixture.Reply sc = post("/v1/score", "{\"user\":\"u4\",\"items\":[\"i1\",\"i2\"]}");
    assertThat(sc.status()).isEqualTo(200);
    assertThat(sc.body().get("scores").get(0).floatValue()).isCloseTo(model.score(4, 1), org.assertj.core.data.Offset.offset(1e-6f));
  }

  @Test
  void errorsAreJsonWithTheRightStatus() throws Exception {
    Fixture.Reply malformed = post("/v1/recommend", "{\"user\": ");
    assertThat(malformed.status()).isEqualTo(400);
    assertThat(malformed.body().get("error").asText()).startsWith("malformed JSON");

    assertThat(post("/v1/recommend", "[1,2]").status()).isEqualTo(400);
    assertThat(post("/v1/recommend", "{\"k\":3}").body().get("error").asText()).contains("\"user\"");
    // Field types are checked by the request record: a number sent as a string is refused, by name.
    Fixture.Reply wrongType = post("/v1/recommend", "{\"user\":\"u1\",\"k\":\"5\"}");
    assertThat(wrongType.status()).isEqualTo(400);
    assertThat(wrongType.body().get("error").asText()).isEqualTo("\"k\" must be an integer");
    assertThat(post("/v1/score", "{\"user\":\"u4\",\"items\":\"i1\"}").body().get("error").asText())
        .isEqualTo("\"items\" must be a list");
    assertThat(post("/v1/recommend", "{\"user\":\"u1\",\"k\":2,\"extra\":{\"a\":1}}").status())
        .as("unknown fields are ignored").isEqualTo(200);
    assertThat(get("/v1/users/u1/recommendations?k=abc").status()).isEqualTo(400);
    assertThat(get("/v1/users/u1/recommendations?k=5000").body().get("error").asText()).contains("[1, 50]");

    // An unknown user gets the most popular training items, and the response says so.
    Fixture.Reply unknown = get("/v1/users/ghost/recommendations?k=3");
    assertThat(unknown.status()).isEqualTo(200);
    assertThat(unknown.body().get("source").asText()).isEqualTo("popularity-fallback");
    assertThat(items(unknown.body())).startsWith("i0");
    assertThat(post("/v1/score", "{\"user\":\"ghost\",\"items\":[\"i1\"]}").status()).isEqualTo(404);
    assertThat(post("/v1/events", "{\"user\":\"u1\",\"item\":\"i1\"}").status()).isEqualTo(405);
    assertThat(get("/v1/items/nope/similar").status()).isEqualTo(404);

    String big = "{\"user\":\"u1\",\"exclude\":[" + "\"i1\",".repeat(2000) + "\"i2\"]}";
    assertThat(post("/v1/recommend", big).status()).isEqualTo(413);
    String many = "{\"users\":[" + "\"u1\",".repeat(20) + "\"u2\"]}";
    assertThat(post("/v1/recommend/batch", many).status()).isEqualTo(413);
  }

  @Test
  void aServerFailureIsA500WithAnErrorIdAndNoExceptionText() throws Exception {
    server.onAdmitted(() -> {
      throw new IllegalStateException("secret detail from /srv/models/a.kdm");
    });
    try {
      Fixture.Reply r = get("/v1/users/u1/recommendations?k=3");
      assertThat(r.status()).isEqualTo(500);
      String id = r.body().get("error_id").asText();
      assertThat(id).matches("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
      assertThat(r.body().get("error").asText()).contains(id).doesNotContain("secret").doesNotContain("/srv")
          .doesNotContain("IllegalStateException");
    } finally {
      server.onAdmitted(null);
    }
    assertThat(get("/v1/users/u1/recommendations?k=3").status()).as("the next request is served").isEqualTo(200);
  }
}
