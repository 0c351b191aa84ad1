package dev.kindred.serve.retrieval;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kindred.core.FactorRecommender;
import dev.kindred.core.RecommendOptions;
import dev.kindred.core.ScoredItems;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Combined exact retrieval returns what the plain exact recommender returns, whichever requests
 * share a pass. Scores agree to 1e-4 absolute (float sums in another order; planted scores are of
 * order 1), item lists exactly except for near-ties within that tolerance.
 */
class CombiningRecommenderTest {

  static final double TOL = 1e-4;

  static final PlantedFactors DATA = PlantedFactors.generate(300, 3000, 32, 10, 5L);

  static void assertSame(ScoredItems got, ScoredItems want, String what) {
    assertThat(got.size()).as("size, %s", what).isEqualTo(want.size());
    for (int r = 0; r < got.size(); r++) {
      assertThat((double) got.scores()[r]).as("score at rank %d, %s", r, what).isCloseTo(want.scores()[r],
          org.assertj.core.api.Assertions.within(TOL));
      if (got.items()[r] != want.items()[r]) {
        // Only a near-tie may swap places.
        assertThat(Math.abs(got.scores()[r] - want.scores()[r])).as("item at rank %d, %s", r, what)
            .isLessThanOrEqualTo((float) TOL);
      }
    }
  }

  /** Request {@code j} of a seeded mix: users, folded-in histories, exclusions, candidates, k. */
  record Request(int user, int[] history, int k, RecommendOptions options) {
    ScoredItems ask(dev.kindred.core.Recommender r) {
      return history == null ? r.recommend(user, k, options) : r.recommendFromHistory(history, null, k, options);
    }
  }

  static List<Request> requests(int n, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    int items = DATA.model.numItems();
    List<Request> out = new ArrayList<>();
    for (int j = 0; j < n; j++) {
      RecommendOptions o = switch (j % 4) {
        case 0 -> RecommendOptions.excludeSeen(DATA.seen);
        case 1 -> RecommendOptions.ALL;
        case 2 -> RecommendOptions.excludeSeen(DATA.seen).withExcludeItems(rng.ints(3, 0, items).toArray());
        default -> RecommendOptions.ALL.withCandidates(rng.ints(40, 0, items).toArray());
      };
      int[] history = j % 5 == 4 ? rng.ints(4, 0, items).distinct().toArray() : null;
      out.add(new Request(rng.nextInt(DATA.model.numUsers()), history, 1 + rng.nextInt(20), o));
    }
    return out;
  }

  @Test
  void concurrentRequestsGetTheExactAnswers() throws Exception {
    FactorRecommender exact = new FactorRecommender(DATA.model);
    CombiningRecommender combining = new CombiningRecommender(exact, 2, 16);
    List<Request> reqs = requests(800, 11L);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<ScoredItems>> answers = new ArrayList<>();
      for (Request r : reqs) answers.add(pool.submit(() -> r.ask(combining)));
      for (int j = 0; j < reqs.size(); j++) {
        assertSame(answers.get(j).get(), reqs.get(j).ask(exact), "request " + j);
      }
    } finally {
      pool.shutdownNow();
    }
    long combined = reqs.stream().filter(r -> r.options().candidates() == null).count();
    assertThat(combining.requests()).as("requests through the combiner").isEqualTo(combined);
    assertThat(combining.batches()).isBetween(1L, combined);
  }

  @Test
  void requestsQueuedBehindABusySlotAreAnsweredInOnePass() throws Exception {
    FactorRecommender exact = new FactorRecommender(DATA.model);
    CombiningRecommender combining = new CombiningRecommender(exact, 1, 16);
    List<Request> reqs = requests(12, 12L).stream().filter(r -> r.options().candidates() == null).toList();
    combining.slots().acquire(); // the only slot is busy: every request must queue
    List<Thread> threads = new ArrayList<>();
    ScoredItems[] got = new ScoredItems[reqs.size()];
    for (int j = 0; j < reqs.size(); j++) {
      int jj = j;
      threads.add(Thread.ofPlatform().start(() -> got[jj] = reqs.get(jj).ask(combining)));
    }
    long deadline = System.nanoTime() + 60_000_000_000L; // a guard against hanging, not a timing check
    while (combining.queued() < reqs.size() && System.nanoTime() < deadline) Thread.onSpinWait();
    assertThat(combining.queued()).isEqualTo(reqs.size());
    assertThat(combining.batches()).isZero();
    combining.releaseSlotAndWake();
    for (Thread t : threads) t.join();
    assertThat(combining.batches()).as("passes over the items").isEqualTo(1);
    assertThat(combining.requests()).isEqualTo(reqs.size());
    for (int j = 0; j < reqs.size(); j++) assertSame(got[j], reqs.get(j).ask(exact), "request " + j);
  }

  @Test
  void moreQueuedRequestsThanOneBatchAreAllAnswered() throws Exception {
    FactorRecommender exact = new FactorRecommender(DATA.model);
    CombiningRecommender combining = new CombiningRecommender(exact, 1, 3);
    List<Request> reqs = requests(40, 13L).stream().filter(r -> r.options().candidates() == null).toList();
    combining.slots().acquire();
    List<Thread> threads = new ArrayList<>();
    ScoredItems[] got = new ScoredItems[reqs.size()];
    for (int j = 0; j < reqs.size(); j++) {
      int jj = j;
      threads.add(Thread.ofVirtual().start(() -> got[jj] = reqs.get(jj).ask(combining)));
    }
    long deadline = System.nanoTime() + 60_000_000_000L;
    while (combining.queued() < reqs.size() && System.nanoTime() < deadline) Thread.onSpinWait();
    combining.releaseSlotAndWake();
    for (Thread t : threads) t.join();
    // Batches of at most 3, handed on from combiner to combiner until the queue is empty.
    assertThat(combining.batches()).isEqualTo((reqs.size() + 2) / 3);
    for (int j = 0; j < reqs.size(); j++) assertSame(got[j], reqs.get(j).ask(exact), "request " + j);
  }
}
