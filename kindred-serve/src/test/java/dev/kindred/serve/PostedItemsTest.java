package dev.kindred.serve;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.kindred.core.DuplicatePolicy;
import dev.kindred.core.EmbeddingSumEncoder;
import dev.kindred.core.FeatureCodec;
import dev.kindred.core.FoldInRule;
import dev.kindred.core.IdIndex;
import dev.kindred.core.Interactions;
import dev.kindred.core.LatentFactorModel;
import dev.kindred.core.ModelFeatures;
import dev.kindred.core.Provenance;
import dev.kindred.math.FactorMatrix;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11: items posted to a running server are served incrementally ({@link RecentItems} beside
 * the model, then merged into its item side), and every answer equals that of a server rebuilt
 * with the items from the start (the old per-post rebuild, {@link ColdStart#extend}): the same
 * top-10, scores within 1e-5 (float rounding: the recent items are scored by a dot product, the
 * rebuilt model's by the panel kernel).
 *
 * <p>The model: 40 users x 300 items, dim 8, biases, seeded Gaussian factors, the implicit ridge
 * fold-in of the two-tower model; item features: one or two of 12 genres and a tag of its own
 * (so that no two posted items tie), each embedded as a seeded Gaussian vector and bias. Each
 * user's training history: 15 seeded items.
 */
class PostedItemsTest {

  private static final int USERS = 40;
  private static final int ITEMS = 300;
  private static final int DIM = 8;
  private static final int GENRES = 12;
  private static final int POSTED = 200;
  private static final float TOLERANCE = 1e-5f;

  @TempDir
  Path dir;

  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : open) c.close();
  }

  static LatentFactorModel model() {
    SplittableRandom rng = new SplittableRandom(5);
    FactorMatrix p = new FactorMatrix(USERS, DIM);
    FactorMatrix q = new FactorMatrix(ITEMS, DIM);
    p.fillGaussian(rng.split(), 0.6f);
    q.fillGaussian(rng.split(), 0.6f);
    float[] bu = new float[USERS];
    float[] bi = new float[ITEMS];
    for (int i = 0; i < ITEMS; i++) bi[i] = (float) (rng.nextGaussian() * 0.1);
    IdIndex.Builder users = new IdIndex.Builder();
    IdIndex.Builder items = new IdIndex.Builder();
    for (int u = 0; u < USERS; u++) users.add("u" + u);
    for (int i = 0; i < ITEMS; i++) items.add("i" + i);
    Provenance prov = Provenance.builder("two-tower").seed(5).size(USERS, ITEMS, USERS * 15).createdAtMillis(0)
        .kindredVersion("test").build();
    return new LatentFactorModel(prov, users.build(), items.build(), 0f, bu, bi, p, q, Float.NEGATIVE_INFINITY,
        Float.POSITIVE_INFINITY, new FoldInRule.Ridge(1f, true, 1f, false));
  }

  static Interactions seen(LatentFactorModel m) {
    SplittableRandom rng = new SplittableRandom(6);
    int n = USERS * 15;
    int[] u = new int[n];
    int[] i = new int[n];
    float[] v = new float[n];
    for (int x = 0; x < n; x++) {
      u[x] = x / 15;
      i[x] = rng.nextInt(ITEMS);
      v[x] = 1f;
    }
    return Interactions.fromCoo(m.userIndex(), m.itemIndex(), USERS, ITEMS, u, i, v, null, n, DuplicatePolicy.LAST);
  }

  static ModelFeatures features() {
    SplittableRandom rng = new SplittableRandom(7);
    Map<String, Integer> vocabulary = new LinkedHashMap<>();
    for (int g = 0; g < GENRES; g++) vocabulary.put("g" + g, g);
    FeatureCodec.Field genre = new FeatureCodec.Field("genre", FeatureCodec.Encoding.VALUE, 0, GENRES, false,
        vocabulary, null);
    Map<String, Integer> tags = new LinkedHashMap<>();
    for (int t = 0; t < POSTED; t++) tags.put("t" + t, t);
    FeatureCodec.Field tag = new FeatureCodec.Field("tag", FeatureCodec.Encoding.VALUE, GENRES, POSTED, false, tags,
        null);
    int features = GENRES + POSTED;
    float[] emb = new float[features * DIM];
    float[] bias = new float[features];
    for (int x = 0; x < emb.length; x++) emb[x] = (float) (rng.nextGaussian() * 0.8);
    for (int f = 0; f < features; f++) bias[f] = (float) (rng.nextGaussian() * 0.1);
    ModelFeatures.Side items = new ModelFeatures.Side(new FeatureCodec(List.of(genre, tag), true, null),
        new EmbeddingSumEncoder(DIM, features, false, emb, bias));
    return new ModelFeatures(null, items);
  }

  /** The posted items: "new0".."new199", each with one or two seeded genres and tag "tJ". */
  static Map<String, Map<String, List<String>>> posted() {
    SplittableRandom rng = new SplittableRandom(8);
    Map<String, Map<String, List<String>>> out = new LinkedHashMap<>();
    for (int j = 0; j < POSTED; j++) {
      List<String> g = rng.nextBoolean() ? List.of("g" + rng.nextInt(GENRES))
          : List.of("g" + rng.nextInt(GENRES), "g" + rng.nextInt(GENRES));
      out.put("new" + j, Map.of("genre", g, "tag", List.of("t" + j)));
    }
    return out;
  }

  /** A service with an event log and an item log; {@code atStart} items are added when it starts. */
  RecommendationService service(String name, Map<String, Map<String, List<String>>> atStart) throws Exception {
    return service(name, atStart, dev.kindred.serve.retrieval.RetrievalConfig.DEFAULTS);
  }

  RecommendationService service(String name, Map<String, Map<String, List<String>>> atStart,
      dev.kindred.serve.retrieval.RetrievalConfig retrieval) throws Exception {
    ServeConfig config = new ServeConfig("127.0.0.1", 0, 50, 100, 1 << 16);
    EventLog events = EventLog.open(dir.resolve(name + ".events"), EventLog.Sync.NONE);
    ItemLog items = ItemLog.open(dir.resolve(name + ".items"), EventLog.Sync.NONE);
    open.add(events);
    open.add(items);
    LatentFactorModel m = model();
    RecommendationService s = new RecommendationService(m, seen(m), config, events, List.of(), retrieval);
    s.autoMerge(false);
    s.coldStart(new ColdStart(features(), atStart, Map.of(), items, List.of()));
    return s;
  }

  static Api.Recommendation top10(RecommendationService s, String user, List<String> candidates) {
    return s.recommend(new Api.RecommendRequest(user, null, 10, null, candidates, null, null, null));
  }

  static void assertSameLists(RecommendationService a, RecommendationService b, String what) {
    for (int u = 0; u < USERS; u++) {
      assertSame(top10(a, "u" + u, null), top10(b, "u" + u, null), what + ", user u" + u);
    }
  }

  static void assertSame(Api.Recommendation a, Api.Recommendation b, String what) {
    assertThat(a.items()).as(what).isEqualTo(b.items());
    for (int j = 0; j < a.scores().length; j++) {
      assertThat(a.scores()[j]).as(what + ", rank " + j).isCloseTo(b.scores()[j], within(TOLERANCE));
    }
  }

  @Test
  void twoHundredPostedItemsAreRecommendableAndListsEqualAFullRebuildsBeforeAndAfterTheMerge() throws Exception {
    RecommendationService rebuilt = service("rebuilt", posted());
    RecommendationService incremental = service("incremental", Map.of());
    for (Map.Entry<String, Map<String, List<String>>> e : posted().entrySet()) {
      Api.ItemAdded added = incremental.addItem(new Api.ItemRequest(e.getKey(), new LinkedHashMap<>(e.getValue())));
      assertThat(added.item()).isEqualTo(e.getKey());
    }
    assertThat(incremental.state().recent.size()).as("served as recent items, no rebuild").isEqualTo(POSTED);
    assertThat(incremental.describe().items()).isEqualTo(ITEMS + POSTED);

    assertSameLists(incremental, rebuilt, "recent items beside the model");
    // Every posted item is recommendable: as a candidate it is listed, with the rebuilt model's score.
    List<String> all = new ArrayList<>(posted().keySet());
    for (int from = 0; from < POSTED; from += 10) {
      List<String> cands = new ArrayList<>(all.subList(from, from + 10));
      cands.add("i3");
      Api.Recommendation a = top10(incremental, "u1", cands);
      assertThat(a.items()).hasSize(10).allMatch(cands::contains);
      assertSame(a, top10(rebuilt, "u1", cands), "candidates " + cands);
    }
    Api.Scores sa = incremental.score(new Api.ScoreRequest("u2", List.of("new7", "i9", "new150")));
    Api.Scores sb = rebuilt.score(new Api.ScoreRequest("u2", List.of("new7", "i9", "new150")));
    assertThat(sa.scores()).containsExactly(sb.scores(), within(TOLERANCE));
    Api.SimilarItems simA = incremental.similar("new7", 10);
    assertThat(simA.items()).isEqualTo(rebuilt.similar("new7", 10).items());
    assertThat(incremental.similar("i4", 10).items()).isEqualTo(rebuilt.similar("i4", 10).items());

    incremental.mergeRecentItems();
    assertThat(incremental.state().recent.isEmpty()).isTrue();
    assertThat(incremental.model().numItems()).isEqualTo(ITEMS + POSTED);
    assertSameLists(incremental, rebuilt, "after the merge");
  }

  @Test
  void aPostedItemTakesEventsAndTheFoldedInListEqualsAFullRebuildsOnceMerged() throws Exception {
    RecommendationService rebuilt = service("rebuilt", posted());
    RecommendationService incremental = service("incremental", Map.of());
    for (Map.Entry<String, Map<String, List<String>>> e : posted().entrySet()) {
      incremental.addItem(new Api.ItemRequest(e.getKey(), new LinkedHashMap<>(e.getValue())));
    }
    List<EventLog.Event> events = List.of(new EventLog.Event("u3", "new42", 1f, 1L),
        new EventLog.Event("u3", "i10", 1f, 1L), new EventLog.Event("newcomer", "new43", 1f, 1L));
    RecommendationService.Logged logged = incremental.logAndApply(events);
    assertThat(logged.unknownItems()).as("a posted item is known to events at once").isEmpty();
    rebuilt.logAndApply(events);

    // Before the merge: folded in from the model's items, the posted one in the history left out of the list.
    Api.Recommendation before = top10(incremental, "u3", null);
    assertThat(before.source()).isEqualTo("fold-in");
    assertThat(before.items()).hasSize(10).doesNotContain("new42", "i10");
    Api.Recommendation newcomer = top10(incremental, "newcomer", null);
    assertThat(newcomer.items()).hasSize(10).doesNotContain("new43");

    incremental.mergeRecentItems();
    assertSame(top10(incremental, "u3", null), top10(rebuilt, "u3", null), "u3 folded in after the merge");
    assertSame(top10(incremental, "newcomer", null), top10(rebuilt, "newcomer", null), "newcomer after the merge");
    assertSameLists(incremental, rebuilt, "every user after the merge");
  }

  @Test
  void theBackgroundRebuildFoldsABurstIntoTheModelsItemSide() throws Exception {
    RecommendationService incremental = service("incremental", Map.of());
    incremental.autoMerge(true);
    for (Map.Entry<String, Map<String, List<String>>> e : posted().entrySet()) {
      incremental.addItem(new Api.ItemRequest(e.getKey(), new LinkedHashMap<>(e.getValue())));
    }
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (incremental.model().numItems() < ITEMS + POSTED || !incremental.state().recent.isEmpty()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("not merged after 30 s: " + incremental.model().numItems() + " model items, "
            + incremental.state().recent.size() + " recent");
      }
      Thread.sleep(10);
    }
    assertSameLists(incremental, service("rebuilt", posted()), "after the background rebuild");
  }

  @Test
  void withAnnRetrievalPostedItemsAreListedBesideTheGraphsAndTheRebuildBuildsANewGraph() throws Exception {
    dev.kindred.serve.retrieval.RetrievalConfig ann = dev.kindred.serve.retrieval.RetrievalConfig.DEFAULTS
        .withMode(dev.kindred.serve.retrieval.RetrievalMode.ANN);
    RecommendationService incremental = service("ann", Map.of(), ann);
    for (Map.Entry<String, Map<String, List<String>>> e : posted().entrySet()) {
      incremental.addItem(new Api.ItemRequest(e.getKey(), new LinkedHashMap<>(e.getValue())));
    }
    RecommendationService exact = service("exact", posted());
    // Posted items are scanned exactly beside the graph: every posted item in the exact top-10 is listed.
    for (int u = 0; u < USERS; u++) {
      Api.Recommendation a = top10(incremental, "u" + u, null);
      assertThat(a.retrieval()).isEqualTo("ann");
      List<String> postedInExact = top10(exact, "u" + u, null).items().stream().filter(i -> i.startsWith("new"))
          .toList();
      assertThat(a.items()).as("user u" + u).containsAll(postedInExact);
    }
    incremental.mergeRecentItems();
    assertThat(incremental.retrieval().isAnn()).isTrue();
    assertThat(incremental.model().numItems()).isEqualTo(ITEMS + POSTED);
    assertThat(top10(incremental, "u0", null).items()).hasSize(10);
  }

  @Test
  void itemsPostedDuringAMergeStayRecentAndAnItemPostedAgainIsRebuiltAtOnce() throws Exception {
    RecommendationService incremental = service("incremental", Map.of());
    Map<String, Map<String, List<String>>> all = posted();
    int j = 0;
    for (Map.Entry<String, Map<String, List<String>>> e : all.entrySet()) {
      incremental.addItem(new Api.ItemRequest(e.getKey(), new LinkedHashMap<>(e.getValue())));
      if (++j == 50) incremental.mergeRecentItems();
    }
    assertThat(incremental.model().numItems()).isEqualTo(ITEMS + 50);
    assertThat(incremental.state().recent.size()).isEqualTo(POSTED - 50);
    RecommendationService rebuilt = service("rebuilt", all);
    assertSameLists(incremental, rebuilt, "50 merged, 150 recent");

    Api.ItemAdded again = incremental.addItem(new Api.ItemRequest("new60", Map.of("genre", List.of("g3"))));
    assertThat(again.items()).isEqualTo(ITEMS + POSTED);
    assertThat(incremental.state().recent.isEmpty()).as("a re-post rebuilds, as a swap does").isTrue();
    assertThat(incremental.similar("new60", 3).items()).isNotEmpty();
  }
}
