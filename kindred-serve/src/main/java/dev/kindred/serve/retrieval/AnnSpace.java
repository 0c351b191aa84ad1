package dev.kindred.serve.retrieval;

/**
 * How item vectors are laid out in the HNSW graph so that a graph search finds the items with the
 * highest inner product {@code p_u . q_i + b_i}. Both keep the model's ranking exactly; they differ
 * in how well a greedy graph search can find it.
 */
public enum AnnSpace {
  /**
   * The vectors as they are ({@code [q_i, b_i]}, query {@code [p_u, 1]}) under Lucene's
   * {@code MAXIMUM_INNER_PRODUCT}. Inner product is not a metric (an item need not be its own best
   * match), so long, popular item vectors become hubs and recall stops growing with {@code ef}.
   */
  INNER_PRODUCT,
  /**
   * Bachrach et al., "Speeding up the Xbox recommender system using a Euclidean transformation for
   * inner-product spaces", RecSys 2014, doi:10.1145/2645710.2645741: every item gets one more
   * coordinate {@code sqrt(phi^2 - |x_i|^2)} ({@code phi} the largest item norm) and is divided by
   * {@code phi}, so all items lie on the unit sphere; the query is {@code [p_u, 1, 0]} normalised.
   * Then {@code x_i . y} is the inner product divided by {@code phi |y|} (same order), and the graph
   * is built and searched under the cosine, a proper similarity.
   */
  UNIT_SPHERE
}
