package dev.kindred.train.baseline;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Hyperparameters of item-based nearest neighbours ({@link ItemKnnTrainer}). Defaults live in
 * {@link #DEFAULTS}: TF-IDF with 100 neighbours was the best setting tried on Gowalla (LightGCN
 * split, Recall@20 0.129) and within 0.02 NDCG@10 of the best on MovieLens 100K (per-user 75/25
 * split: 0.407 against 0.426 for BM25 with 400); {@code k1} and {@code b} are the BM25 defaults of
 * benfred/implicit.
 *
 * @param neighbours most similar items kept per item
 * @param weighting how interactions are weighted before the similarity
 * @param k1 BM25 term-frequency saturation {@code K1} (BM25 only)
 * @param b BM25 length normalisation {@code B} in [0, 1] (BM25 only)
 * @param binary treat every interaction as 1 (in the similarity and when scoring); false uses the
 *     values (counts, ratings)
 * @param threads worker threads
 */
public record ItemKnnConfig(int neighbours, Weighting weighting, float k1, float b, boolean binary, int threads) {

  /** How an interaction value {@code x_ui} becomes a coordinate of item {@code i}'s vector. */
  public enum Weighting {
    /** Cosine of the raw columns. */
    NONE,
    /** {@code sqrt(x_ui) * idf_u}, then cosine. */
    TFIDF,
    /** {@code x_ui (K1 + 1) / (K1 L_i + x_ui) * idf_u}, dot product (no normalisation). */
    BM25
  }

  public static final ItemKnnConfig DEFAULTS = new ItemKnnConfig(100, Weighting.TFIDF, 1.2f, 0.75f, true, 2);

  public ItemKnnConfig {
    require(neighbours > 0, "neighbours must be > 0, got " + neighbours);
    require(weighting != null, "weighting must not be null");
    require(k1 >= 0 && Float.isFinite(k1), "k1 must be >= 0, got " + k1);
    require(b >= 0 && b <= 1, "b must be in [0, 1], got " + b);
    require(threads > 0, "threads must be > 0, got " + threads);
  }

  private static void require(boolean ok, String message) {
    if (!ok) throw new IllegalArgumentException(message);
  }

  public ItemKnnConfig withNeighbours(int v) {
    return new ItemKnnConfig(v, weighting, k1, b, binary, threads);
  }

  public ItemKnnConfig withWeighting(Weighting v) {
    return new ItemKnnConfig(neighbours, v, k1, b, binary, threads);
  }

  public ItemKnnConfig withK1(float v) {
    return new ItemKnnConfig(neighbours, weighting, v, b, binary, threads);
  }

  public ItemKnnConfig withB(float v) {
    return new ItemKnnConfig(neighbours, weighting, k1, v, binary, threads);
  }

  public ItemKnnConfig withBinary(boolean v) {
    return new ItemKnnConfig(neighbours, weighting, k1, b, v, threads);
  }

  public ItemKnnConfig withThreads(int v) {
    return new ItemKnnConfig(neighbours, weighting, k1, b, binary, v);
  }

  /** Every hyperparameter as strings, for provenance. */
  public Map<String, String> toMap() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("neighbours", Integer.toString(neighbours));
    m.put("weighting", weighting.name().toLowerCase(java.util.Locale.ROOT));
    m.put("k1", Float.toString(k1));
    m.put("b", Float.toString(b));
    m.put("binary", Boolean.toString(binary));
    return m;
  }
}
