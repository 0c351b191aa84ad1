package dev.kindred.core;

/**
 * What a recommendation may contain.
 *
 * @param exclude interactions whose items are removed from each user's candidates (normally the
 *     training data: "exclude seen"), or null to keep them
 * @param excludeItems item indices never to recommend, or null
 * @param candidates only these item indices may be recommended, or null for all items
 */
public record RecommendOptions(Interactions exclude, int[] excludeItems, int[] candidates) {

  /** All items, nothing excluded. */
  public static final RecommendOptions ALL = new RecommendOptions(null, null, null);

  /** Exclude what each user already interacted with in {@code seen}. */
  public static RecommendOptions excludeSeen(Interactions seen) {
    return new RecommendOptions(seen, null, null);
  }

  public RecommendOptions withExcludeItems(int[] items) {
    return new RecommendOptions(exclude, items, candidates);
  }

  public RecommendOptions withCandidates(int[] items) {
    return new RecommendOptions(exclude, excludeItems, items);
  }
}
