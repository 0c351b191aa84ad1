package dev.kindred.serve;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kindred.serve.retrieval.PlantedFactors;
import dev.kindred.serve.retrieval.RetrievalConfig;
import dev.kindred.serve.retrieval.RetrievalMode;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server in ANN mode over a planted model (1,000 users x 8,000 items, k = 16, ids "0".."n-1"):
 * it measures and reports its recall at start-up, and every recommend route answers from the graph
 * (candidate lists exactly) with exclusions honoured.
 */
class AnnServerTest {

  @TempDir
  static Path dir;

  static PlantedFactors data;
  static KindredServer server;
  static EventLog log;

  @BeforeAll
  static void start() throws Exception {
    data = PlantedFactors.generate(1_000, 8_000, 16, 20, 21L);
    ServeConfig config = new ServeConfig("127.0.0.1", 0, 100, 100, 1 << 16);
    RetrievalConfig retrieval = RetrievalConfig.DEFAULTS.withMode(RetrievalMode.ANN).withRecallProbe(200, 10, 0.9);
    log = EventLog.open(dir.resolve("events.log"), EventLog.Sync.NONE);
    server = KindredServer.start(new RecommendationService(data.model, data.seen, config, log, List.of(), retrieval),
        config);
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
    log.close();
  }

  @Test
  void readinessReportsTheAnnModeAndTheMeasuredRecall() throws Exception {
    JsonNode r = Fixture.get(server, "/readyz").body().get("retrieval");
    assertThat(r.get("mode").asText()).isEqualTo("ann");
    assertThat(r.get("recall_k").asInt()).isEqualTo(10);
    assertThat(r.get("recall_users").asInt()).isEqualTo(200);
    assertThat(r.get("recall").asDouble()).isGreaterThanOrEqualTo(0.9).isLessThanOrEqualTo(1.0);
    assertThat(r.get("recall_below_floor").asBoolean()).isFalse();
    assertThat(r.get("ann_ef_search").asInt()).isEqualTo(RetrievalConfig.DEFAULTS.annEfSearch());
  }

  @Test
  void aKnownUsersListComesFromTheGraphWithoutSeenItems() throws Exception {
    Fixture.Reply r = Fixture.get(server, "/v1/users/3/recommendations?k=10");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body().get("retrieval").asText()).isEqualTo("ann");
    List<String> got = Fixture.items(r.body());
    assertThat(got).hasSize(10);
    for (int i : data.seen.itemsOf(3)) assertThat(got).doesNotContain(Integer.toString(i));
  }

  @Test
  void excludeListsAreHonouredAndCandidateListsAreServedExactly() throws Exception {
    List<String> first = Fixture.items(Fixture.get(server, "/v1/users/4/recommendations?k=5").body());
    Fixture.Reply r = Fixture.post(server, "/v1/recommend",
        "{\"user\":\"4\",\"k\":5,\"exclude\":[\"" + first.get(0) + "\",\"" + first.get(1) + "\"]}");
    assertThat(r.body().get("retrieval").asText()).isEqualTo("ann");
    assertThat(Fixture.items(r.body())).hasSize(5).doesNotContain(first.get(0), first.get(1));

    Fixture.Reply c = Fixture.post(server, "/v1/recommend", "{\"user\":\"4\",\"k\":2,\"candidates\":[\"10\",\"20\",\"30\"]}");
    assertThat(c.body().get("retrieval").asText()).isEqualTo("exact");
    assertThat(Fixture.items(c.body())).hasSize(2).isSubsetOf("10", "20", "30");
  }

  @Test
  void historiesAndEventsFoldTheUserInAndQueryTheGraph() throws Exception {
    Fixture.Reply h = Fixture.post(server, "/v1/recommend", "{\"history\":[\"1\",\"2\",\"3\"],\"k\":5}");
    assertThat(h.status()).isEqualTo(200);
    assertThat(h.body().get("source").asText()).isEqualTo("fold-in");
    assertThat(h.body().get("retrieval").asText()).isEqualTo("ann");
    assertThat(Fixture.items(h.body())).hasSize(5).doesNotContain("1", "2", "3");

    String top = Fixture.items(Fixture.get(server, "/v1/users/7/recommendations?k=1").body()).get(0);
    assertThat(Fixture.post(server, "/v1/events", "{\"user\":\"7\",\"item\":\"" + top + "\"}").status()).isEqualTo(200);
    Fixture.Reply e = Fixture.get(server, "/v1/users/7/recommendations?k=5");
    assertThat(e.body().get("source").asText()).isEqualTo("fold-in");
    assertThat(e.body().get("retrieval").asText()).isEqualTo("ann");
    assertThat(Fixture.items(e.body())).hasSize(5).doesNotContain(top);
  }

  /** A swapped-in model gets its own graph and its own recall measurement before it serves. */
  @Test
  void aHotSwapBuildsAGraphForTheNewModel() throws Exception {
    PlantedFactors first = PlantedFactors.generate(300, 3_000, 16, 10, 1L);
    PlantedFactors second = PlantedFactors.generate(300, 3_000, 16, 10, 2L);
    ServeConfig config = new ServeConfig("127.0.0.1", 0, 100, 100, 1 << 16);
    RetrievalConfig retrieval = RetrievalConfig.DEFAULTS.withMode(RetrievalMode.ANN).withRecallProbe(100, 10, 0.9);
    RecommendationService service = new RecommendationService(first.model, first.seen, config, null, List.of(), retrieval);
    var before = service.retrieval();
    service.swap(second.model, "test");
    assertThat(service.retrieval()).isNotSameAs(before);
    assertThat(service.retrieval().isAnn()).isTrue();
    assertThat(service.retrieval().recall()).isPresent();
    try (KindredServer s = KindredServer.start(service, config)) {
      Fixture.Reply r = Fixture.get(s, "/v1/users/5/recommendations?k=10");
      assertThat(r.body().get("retrieval").asText()).isEqualTo("ann");
      // The list is the new model's: at least 9 of its exact top-10 for user 5 (an approximate list).
      var exact = new dev.kindred.core.FactorRecommender(second.model)
          .recommend(5, 10, dev.kindred.core.RecommendOptions.excludeSeen(service.state().seen));
      List<String> got = Fixture.items(r.body());
      int common = 0;
      for (int i : exact.items()) if (got.contains(Integer.toString(i))) common++;
      assertThat(common).isGreaterThanOrEqualTo(9);
    }
  }

  @Test
  void batchListsComeFromTheGraph() throws Exception {
    Fixture.Reply r = Fixture.post(server, "/v1/recommend/batch", "{\"users\":[\"0\",\"1\",\"nobody\"],\"k\":4}");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body().get("retrieval").asText()).isEqualTo("ann");
    assertThat(r.body().get("recommendations")).hasSize(2);
    assertThat(Fixture.items(r.body().get("recommendations").get(1))).hasSize(4);
  }
}
