package dev.kindred.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** Popularity lists on a hand case: scores {3, 5, 5, 1, 0, 4}, ties broken by the lower index. */
class PopularityRecommenderTest {

  static final float[] SCORES = {3, 5, 5, 1, 0, 4};

  /** Users: 0 has {1, 5}; 1 has nothing; 2 has {0, 2, 3}. */
  static PopularityModel model() {
    Interactions h = new Interactions(IdIndex.identity(3), IdIndex.identity(6), 3, 6, new int[] {0, 2, 2, 5},
        new int[] {1, 5, 0, 2, 3}, new float[] {1, 1, 1, 1, 1}, null);
    return new PopularityModel(Fixtures.provenance("pop"), SCORES.clone(), h);
  }

  @Test
  void everyUserGetsTheSameRankingWithoutOptions() {
    PopularityRecommender rec = new PopularityRecommender(model());
    for (int u = 0; u < 3; u++) {
      ScoredItems s = rec.recommend(u, 10, RecommendOptions.ALL);
      assertThat(s.items()).containsExactly(1, 2, 5, 0, 3, 4);
      assertThat(s.scores()).containsExactly(5, 5, 4, 3, 1, 0);
    }
    assertThat(rec.recommend(0, 2, RecommendOptions.ALL).items()).containsExactly(1, 2);
  }

  @Test
  void excludesSeenItemsAndTheExcludeList() {
    PopularityModel m = model();
    PopularityRecommender rec = new PopularityRecommender(m);
    RecommendOptions seen = RecommendOptions.excludeSeen(m.histories());
    assertThat(rec.recommend(0, 10, seen).items()).containsExactly(2, 0, 3, 4);
    assertThat(rec.recommend(1, 3, seen).items()).containsExactly(1, 2, 5);
    assertThat(rec.recommend(2, 10, seen).items()).containsExactly(1, 5, 4);
    assertThat(rec.recommend(2, 10, seen.withExcludeItems(new int[] {4, 99, 1})).items()).containsExactly(5);
  }

  @Test
  void candidatesAreRankedByPopularity() {
    PopularityModel m = model();
    PopularityRecommender rec = new PopularityRecommender(m);
    RecommendOptions o = RecommendOptions.excludeSeen(m.histories()).withCandidates(new int[] {4, 0, 5, 0, 1});
    assertThat(rec.recommend(0, 10, o).items()).containsExactly(0, 4);
    assertThat(rec.recommend(1, 2, o).items()).containsExactly(1, 5);
    assertThatThrownBy(() -> rec.recommend(1, 2, RecommendOptions.ALL.withCandidates(new int[] {6})))
        .hasMessage("candidate item index 6 outside [0, 6)");
  }

  @Test
  void recommendAllEqualsPerUser() {
    PopularityModel m = model();
    PopularityRecommender rec = new PopularityRecommender(m);
    int[] users = IntStream.range(0, 200).map(j -> j % 3).toArray();
    RecommendOptions o = RecommendOptions.excludeSeen(m.histories()).withExcludeItems(new int[] {3});
    for (int threads : new int[] {1, 2, 5}) {
      ScoredItems[] all = rec.recommendAll(users, 3, o, threads);
      for (int j = 0; j < users.length; j++) {
        assertThat(all[j].items()).isEqualTo(rec.recommend(users[j], 3, o).items());
        assertThat(all[j].scores()).isEqualTo(rec.recommend(users[j], 3, o).scores());
      }
    }
  }

  @Test
  void foldInExcludesTheGivenHistory() {
    PopularityRecommender rec = new PopularityRecommender(model());
    assertThat(rec.recommendFromHistory(new int[] {2, 1}, null, 3, RecommendOptions.ALL).items())
        .containsExactly(5, 0, 3);
    assertThat(rec.recommendFromHistory(new int[0], null, 2, RecommendOptions.ALL.withExcludeItems(new int[] {1})).items())
        .containsExactly(2, 5);
    assertThatThrownBy(() -> rec.recommendFromHistory(new int[] {7}, null, 2, RecommendOptions.ALL))
        .hasMessage("history item index 7 at position 0 outside [0, 6)");
  }

  @Test
  void similarItemsAreTheMostPopularOthers() {
    PopularityRecommender rec = new PopularityRecommender(model());
    assertThat(rec.similarItems(1, 3).items()).containsExactly(2, 5, 0);
    assertThat(rec.similarItems(4, 2).items()).containsExactly(1, 2);
  }

  @Test
  void negativeAndZeroScoresSortCorrectly() {
    Interactions h = new Interactions(IdIndex.identity(1), IdIndex.identity(5), 1, 5, new int[] {0, 0}, new int[0],
        new float[0], null);
    PopularityModel m = new PopularityModel(Fixtures.provenance("pop"), new float[] {-1, 0, -0f, -2.5f, 0.5f}, h);
    assertThat(new PopularityRecommender(m).recommend(0, 5, RecommendOptions.ALL).items()).containsExactly(4, 1, 2, 0, 3);
    assertThat(m.score(0, 3)).isEqualTo(-2.5f);
    assertThat(Recommenders.of(m)).isInstanceOf(PopularityRecommender.class);
  }

  @Test
  void rejectsBrokenModels() {
    Interactions h = model().histories();
    assertThatThrownBy(() -> new PopularityModel(Fixtures.provenance("pop"), new float[5], h))
        .hasMessage("itemScores has 5 entries, expected one per item (6)");
    assertThatThrownBy(() -> new PopularityModel(Fixtures.provenance("pop"), new float[] {0, 0, Float.NaN, 0, 0, 0}, h))
        .hasMessage("item 2 has a non-finite popularity NaN");
  }
}
