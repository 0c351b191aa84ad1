package dev.kindred.bench.serve;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kindred.core.FoldInRule;
import dev.kindred.core.IdIndex;
import dev.kindred.core.LatentFactorModel;
import dev.kindred.core.Provenance;
import dev.kindred.math.FactorMatrix;
import dev.kindred.serve.EventLog;
import dev.kindred.serve.KindredServer;
import dev.kindred.serve.RecommendationService;
import dev.kindred.serve.ServeConfig;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The client against a real in-process {@link KindredServer} (30 users x 60 items, k = 6, with an event log). */
class KindredClientTest {

  @TempDir
  Path dir;

  KindredServer server;
  EventLog log;
  KindredClient client;

  @BeforeEach
  void start() throws Exception {
    SplittableRandom rng = new SplittableRandom(11);
    FactorMatrix p = new FactorMatrix(30, 6);
    FactorMatrix q = new FactorMatrix(60, 6);
    p.fillGaussian(rng.split(), 0.5f);
    q.fillGaussian(rng.split(), 0.5f);
    IdIndex.Builder ub = new IdIndex.Builder();
    IdIndex.Builder ib = new IdIndex.Builder();
    for (int u = 0; u < 30; u++) ub.add("u" + u);
    for (int i = 0; i < 60; i++) ib.add("i" + i);
    Provenance prov = new Provenance("ials", Map.of(), 0, 1, 1, 30, 60, 5, 0.1, 0, "test");
    LatentFactorModel model = new LatentFactorModel(prov, ub.build(), ib.build(), 0f, null, null, p, q,
        Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY, new FoldInRule.Ridge(0.1f, true, 10f, false));
    ServeConfig config = new ServeConfig("127.0.0.1", 0, 50, 100, 1 << 16);
    log = EventLog.open(dir.resolve("events.log"), EventLog.Sync.ALWAYS);
    server = KindredServer.start(new RecommendationService(model, null, config, log, List.of()), config);
    client = new KindredClient(URI.create("http://127.0.0.1:" + server.port() + "/"));
  }

  @AfterEach
  void stop() throws Exception {
    client.close();
    server.close();
    log.close();
  }

  @Test
  void everyCallReachesItsRouteAndReturnsTheStatusAndBody() throws Exception {
    assertThat(client.healthz().status()).isEqualTo(200);
    assertThat(client.readyz().body().get("items").asInt()).isEqualTo(60);

    KindredClient.Reply rec = client.recommend("u3", 5);
    assertThat(rec.status()).isEqualTo(200);
    assertThat(rec.items()).hasSize(5).doesNotHaveDuplicates();
    assertThat(rec.body().get("source").asText()).isEqualTo("model");

    KindredClient.Reply hist = client.recommendHistory(List.of("i1", "i2"), 4);
    assertThat(hist.status()).isEqualTo(200);
    assertThat(hist.items()).hasSize(4).doesNotContain("i1", "i2");

    KindredClient.Reply batch = client.recommendBatch(List.of("u1", "u2", "nobody"), 3);
    assertThat(batch.status()).isEqualTo(200);
    assertThat(batch.body().get("recommendations")).hasSize(2);
    assertThat(batch.body().get("unknown_users").get(0).asText()).isEqualTo("nobody");

    KindredClient.Reply similar = client.similar("i7", 3);
    assertThat(similar.status()).isEqualTo(200);
    assertThat(similar.items()).hasSize(3).doesNotContain("i7");

    // Scores agree with the list: the top item scores at least as high as the fifth.
    KindredClient.Reply score = client.score("u3", List.of(rec.items().get(0), rec.items().get(4)));
    assertThat(score.status()).isEqualTo(200);
    assertThat(score.body().get("scores").get(0).asDouble())
        .isGreaterThanOrEqualTo(score.body().get("scores").get(1).asDouble());

    // Errors are replies, not exceptions: unknown user (no popularity fallback without --train), bad k.
    assertThat(client.recommend("nobody", 5).status()).isEqualTo(404);
    assertThat(client.recommend("u3", 0).status()).isEqualTo(400);
    assertThat(client.recommend("user with spaces/and slash", 5).status()).isEqualTo(404);
  }

  @Test
  void anEventIsLoggedAndReflectedInTheNextList() throws Exception {
    String top = client.recommend("u9", 5).items().get(0);
    KindredClient.Reply ack = client.events(List.of(new KindredClient.Event("u9", top, 1f),
        new KindredClient.Event("u9", "no-such-item", 1f)));
    assertThat(ack.status()).isEqualTo(200);
    // both are logged (the unknown item for the next training), only the known one is folded in
    assertThat(ack.body().get("accepted").asInt()).isEqualTo(2);
    assertThat(ack.body().get("unknown_items").get(0).asText()).isEqualTo("no-such-item");
    List<String> logged = Files.readAllLines(dir.resolve("events.log"));
    assertThat(logged).hasSize(2);
    assertThat(logged.get(0)).startsWith("u9\t" + top + "\t");
    assertThat(logged.get(1)).startsWith("u9\tno-such-item\t");
    KindredClient.Reply after = client.recommend("u9", 5);
    assertThat(after.body().get("source").asText()).isEqualTo("fold-in");
    assertThat(after.items()).hasSize(5).doesNotContain(top);
  }
}
