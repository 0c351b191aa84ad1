package dev.kindred.core;

/**
 * The one recommendation API every model offers. Indices are dense; translate external ids with
 * the model's {@link IdIndex}es. Implementations are thread-safe.
 */
public interface Recommender {

  /** The {@code k} best items for {@code user} under {@code options}, best first. */
  ScoredItems recommend(int user, int k, RecommendOptions options);

  /**
   * Top-{@code k} for each of {@code users}, computed by {@code threads} threads in a pool created
   * for this call; {@code result[j]} belongs to {@code users[j]}.
   */
  ScoredItems[] recommendAll(int[] users, int k, RecommendOptions options, int threads);

  /** Items most similar to {@code item} (cosine of the item representations), itself excluded. */
  ScoredItems similarItems(int item, int k);

  /**
   * Fold-in: the top-{@code k} for a user given only as interactions ({@code items[j]} with value
   * {@code values[j]}; values may be null for all-ones), without retraining. Serves new users and
   * users whose history changed since training. The given items are excluded, as are those in
   * {@code options}.
   *
   * @throws UnsupportedOperationException if the model has no way to fold users in
   */
  ScoredItems recommendFromHistory(int[] items, float[] values, int k, RecommendOptions options);

  /**
   * The scores of {@code candidates} for a user given only as interactions: the same folded-in user
   * as {@link #recommendFromHistory}, scored as {@link Model#score} scores a known user (history items
   * included). {@code result[j]} belongs to {@code candidates[j]}.
   *
   * @throws UnsupportedOperationException if the model has no way to fold users in
   * @throws IllegalArgumentException for item indices outside the model or mismatched lengths
   */
  default float[] scoreFromHistory(int[] items, float[] values, int[] candidates) {
    throw new UnsupportedOperationException(getClass().getSimpleName() + " cannot score a folded-in user");
  }
}
