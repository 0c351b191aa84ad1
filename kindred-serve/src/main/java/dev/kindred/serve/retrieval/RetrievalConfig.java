package dev.kindred.serve.retrieval;

/**
 * Retrieval settings, validated here; the CLI turns flags into this record.
 *
 * @param mode exact, ann, or auto
 * @param annSpace how the item vectors are laid out in the graph (see {@link AnnSpace})
 * @param annHeadFraction in {@link AnnSpace#UNIT_SPHERE}, the share of longest item vectors scored
 *     exactly instead of placed in the graph (see {@link HnswItemIndex})
 * @param annM HNSW {@code M}: neighbours kept per node on the upper layers (twice as many on layer 0)
 * @param annEfConstruction HNSW {@code efConstruction}: beam width while building the graph
 * @param annEfSearch HNSW {@code ef}: beam width of a query; a request for {@code k > annEfSearch}
 *     items searches with {@code k}
 * @param autoThreshold in {@link RetrievalMode#AUTO}, ANN serves catalogues of more items than this
 * @param recallUsers users sampled at start-up to measure ANN recall against exact retrieval (0: skip)
 * @param recallK list length of that measurement (recall@K)
 * @param recallFloor a measured recall below this is logged as a warning and flagged in /readyz
 * @param seed seeds the graph's level assignment and the recall sample
 */
public record RetrievalConfig(RetrievalMode mode, AnnSpace annSpace, double annHeadFraction, int annM, int annEfConstruction, int annEfSearch,
    int autoThreshold, int recallUsers, int recallK, double recallFloor, long seed) {

  /** Exact retrieval; the ANN settings are those used when a mode or flag asks for ANN. */
  public static final RetrievalConfig DEFAULTS =
      new RetrievalConfig(RetrievalMode.EXACT, AnnSpace.UNIT_SPHERE, 0.02, 16, 100, 100, 200_000, 500, 10, 0.9, 42L);

  public RetrievalConfig {
    if (mode == null) throw new IllegalArgumentException("retrieval mode must be set (exact, ann or auto)");
    if (annSpace == null) throw new IllegalArgumentException("ANN space must be set (inner-product or unit-sphere)");
    if (!(annHeadFraction >= 0 && annHeadFraction < 1)) {
      throw new IllegalArgumentException("ANN head fraction must be in [0, 1), got " + annHeadFraction);
    }
    if (annM < 2 || annM > 512) throw new IllegalArgumentException("ANN M must be in [2, 512], got " + annM);
    if (annEfConstruction < 1 || annEfConstruction > 3200) {
      throw new IllegalArgumentException("ANN efConstruction must be in [1, 3200], got " + annEfConstruction);
    }
    if (annEfSearch < 1 || annEfSearch > 100_000) {
      throw new IllegalArgumentException("ANN efSearch must be in [1, 100000], got " + annEfSearch);
    }
    if (autoThreshold < 0) throw new IllegalArgumentException("auto threshold must be >= 0, got " + autoThreshold);
    if (recallUsers < 0) throw new IllegalArgumentException("recall sample must be >= 0 users, got " + recallUsers);
    if (recallK < 1) throw new IllegalArgumentException("recall K must be >= 1, got " + recallK);
    if (!(recallFloor >= 0 && recallFloor <= 1)) {
      throw new IllegalArgumentException("recall floor must be in [0, 1], got " + recallFloor);
    }
  }

  public RetrievalConfig withMode(RetrievalMode v) {
    return new RetrievalConfig(v, annSpace, annHeadFraction, annM, annEfConstruction, annEfSearch, autoThreshold, recallUsers, recallK, recallFloor, seed);
  }

  public RetrievalConfig withAnn(int m, int efConstruction, int efSearch) {
    return new RetrievalConfig(mode, annSpace, annHeadFraction, m, efConstruction, efSearch, autoThreshold, recallUsers, recallK, recallFloor, seed);
  }

  public RetrievalConfig withAutoThreshold(int v) {
    return new RetrievalConfig(mode, annSpace, annHeadFraction, annM, annEfConstruction, annEfSearch, v, recallUsers, recallK, recallFloor, seed);
  }

  public RetrievalConfig withRecallProbe(int users, int k, double floor) {
    return new RetrievalConfig(mode, annSpace, annHeadFraction, annM, annEfConstruction, annEfSearch, autoThreshold, users, k, floor, seed);
  }

  public RetrievalConfig withAnnSpace(AnnSpace v, double headFraction) {
    return new RetrievalConfig(mode, v, headFraction, annM, annEfConstruction, annEfSearch, autoThreshold, recallUsers, recallK, recallFloor, seed);
  }
}
