package dev.kindred.eval;

import dev.kindred.core.RecommendOptions;
import dev.kindred.core.Recommender;
import dev.kindred.core.ScoredItems;
import java.util.Objects;

/**
 * A recommender that ranks only a fixed candidate set: every user-facing call gets the candidates
 * added to its options. The cold-items protocol ranks only the held-out items with it, so that
 * warm items (which a hybrid model scores from interactions) do not crowd them out. Thread-safe
 * when the wrapped recommender is.
 */
public final class CandidateRecommender implements Recommender {

  private final Recommender inner;
  private final int[] candidates;

  /** @param candidates the item indices that may be recommended; not copied, do not modify */
  public CandidateRecommender(Recommender inner, int[] candidates) {
    this.inner = Objects.requireNonNull(inner, "inner");
    this.candidates = Objects.requireNonNull(candidates, "candidates");
  }

  @Override
  public ScoredItems recommend(int user, int k, RecommendOptions options) {
    return inner.recommend(user, k, options.withCandidates(candidates));
  }

  @Override
  public ScoredItems[] recommendAll(int[] users, int k, RecommendOptions options, int threads) {
    return inner.recommendAll(users, k, options.withCandidates(candidates), threads);
  }

  @Override
  public ScoredItems similarItems(int item, int k) {
    return inner.similarItems(item, k);
  }

  @Override
  public ScoredItems recommendFromHistory(int[] items, float[] values, int k, RecommendOptions options) {
    return inner.recommendFromHistory(items, values, k, options.withCandidates(candidates));
  }
}
