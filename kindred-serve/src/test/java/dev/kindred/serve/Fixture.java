package dev.kindred.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kindred.core.FoldInRule;
import dev.kindred.core.IdIndex;
import dev.kindred.core.LatentFactorModel;
import dev.kindred.core.Provenance;
import dev.kindred.math.FactorMatrix;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.SplittableRandom;

/** The test model (50 users "u0".."u49" x 80 items "i0".."i79", k = 8, ridge fold-in) and an HTTP client. */
final class Fixture {

  static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient CLIENT = HttpClient.newHttpClient();

  private Fixture() {}

  static LatentFactorModel model() {
    return model(3, 0, 8);
  }

  /** The fixture's shape with other factors: {@code seed}, creation time and latent dimension. */
  static LatentFactorModel model(long seed, long createdAtMillis, int dim) {
    return model(seed, createdAtMillis, dim, null);
  }

  /** As above, trained on data whose last event was at {@code cutoffMillis} (null: data without timestamps). */
  static LatentFactorModel model(long seed, long createdAtMillis, int dim, Long cutoffMillis) {
    SplittableRandom rng = new SplittableRandom(seed);
    FactorMatrix p = new FactorMatrix(50, dim);
    FactorMatrix q = new FactorMatrix(80, dim);
    p.fillGaussian(rng.split(), 0.5f);
    q.fillGaussian(rng.split(), 0.5f);
    IdIndex.Builder ub = new IdIndex.Builder();
    IdIndex.Builder ib = new IdIndex.Builder();
    for (int u = 0; u < 50; u++) ub.add("u" + u);
    for (int i = 0; i < 80; i++) ib.add("i" + i);
    Provenance.Builder pb = Provenance.builder("ials").seed(seed).size(50, 80, 5).trainSeconds(0.1)
        .createdAtMillis(createdAtMillis).kindredVersion("test");
    if (cutoffMillis != null) pb.dataCutoffMillis(cutoffMillis);
    Provenance prov = pb.build();
    return new LatentFactorModel(prov, ub.build(), ib.build(), 0f, null, null, p, q, Float.NEGATIVE_INFINITY,
        Float.POSITIVE_INFINITY, new FoldInRule.Ridge(0.1f, true, 10f, false));
  }

  record Reply(int status, JsonNode body) {}

  static Reply get(KindredServer server, String path) throws Exception {
    HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(uri(server, path)).build(),
        HttpResponse.BodyHandlers.ofString());
    return new Reply(r.statusCode(), JSON.readTree(r.body()));
  }

  static Reply post(KindredServer server, String path, String body) throws Exception {
    HttpResponse<String> r = CLIENT.send(HttpRequest.newBuilder(uri(server, path))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
    return new Reply(r.statusCode(), JSON.readTree(r.body()));
  }

  static List<String> items(JsonNode n) {
    return JSON.convertValue(n.get("items"), JSON.getTypeFactory().constructCollectionType(List.class, String.class));
  }

  private static URI uri(KindredServer server, String path) {
    return URI.create("http://127.0.0.1:" + server.port() + path);
  }
}
