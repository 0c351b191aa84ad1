package dev.kindred.serve.retrieval;

/** How a latent-factor model's top-K lists are found. */
public enum RetrievalMode {
  /** Score every item (blocked SIMD scoring): the true top-K, cost linear in the catalogue. */
  EXACT,
  /** Search an HNSW graph over the item factors: approximate top-K, cost about logarithmic in the catalogue. */
  ANN,
  /** {@link #ANN} when the catalogue has more items than the configured threshold, else {@link #EXACT}. */
  AUTO
}
