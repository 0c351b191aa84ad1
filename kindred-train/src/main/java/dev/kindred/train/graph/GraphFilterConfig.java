package dev.kindred.train.graph;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Hyperparameters of the graph filter ({@link GraphFilterTrainer}). Defaults live in
 * {@link #DEFAULTS}: ideal weight 0.3 is GF-CF's published setting (Shen et al., CIKM 2021,
 * arXiv:2108.07567, section 5 and the authors' code); the rank is chosen from the catalogue
 * ({@link #autoRank}), which gives the paper's 256 on Gowalla and the best rank within 2% on the
 * smaller catalogues measured (docs/benchmarks.md); the sketch settings are the cheapest that reach
 * the exact-SVD accuracy on Gowalla.
 *
 * @param rank {@code k}, the number of top singular vectors of {@code R~} in the ideal low-pass
 *     filter ({@code --rank}); {@link #AUTO_RANK} (0) chooses it from the number of items
 * @param idealWeight {@code alpha}, the weight of the ideal filter against the linear one
 *     ({@code --ideal-weight}); 0 keeps the linear filter only (the paper's setting for Amazon-book)
 * @param powerIterations {@code q}, the power (subspace) iterations of the randomized SVD (Halko,
 *     Martinsson and Tropp 2011, arXiv:0909.4061, algorithm 4.4); each costs two SpMMs and one
 *     re-orthonormalisation
 * @param oversampling {@code p}, extra sketch columns beyond the rank; the sketch width is
 *     {@code rank + p} rounded up to the scoring kernel's panel width
 * @param seed seed of the Gaussian sketch
 * @param threads worker threads; the model does not depend on it
 */
public record GraphFilterConfig(int rank, float idealWeight, int powerIterations, int oversampling, long seed,
    int threads) {

  /** {@link #rank()} value that lets {@link #autoRank} choose the rank from the catalogue. */
  public static final int AUTO_RANK = 0;

  public static final GraphFilterConfig DEFAULTS = new GraphFilterConfig(AUTO_RANK, 0.3f, 4, 64, 42L, 2);

  public GraphFilterConfig {
    require(rank >= 0, "rank must be > 0, or 0 to choose it from the catalogue, got " + rank);
    require(Float.isFinite(idealWeight) && idealWeight >= 0f, "idealWeight must be finite and >= 0, got " + idealWeight);
    require(powerIterations >= 0, "powerIterations must be >= 0, got " + powerIterations);
    require(oversampling >= 0, "oversampling must be >= 0, got " + oversampling);
    require(threads > 0, "threads must be > 0, got " + threads);
  }

  /**
   * The rank to use on a catalogue of {@code items}: {@link #rank()} when set, else
   * {@code round(1.5 sqrt(items))} clamped to [16, 256]. The square root fits the best ranks measured
   * with per-user splits (docs/benchmarks.md): about 64 on ML-100K (1,682 items), 128-150 on
   * MovieLens latest-small (9,742), 256 and above on Last.fm (17,632) and Gowalla (40,981); the cap
   * is GF-CF's Gowalla setting, past which the scoring cost grows with little gain.
   */
  public int rankFor(int items) {
    return rank != AUTO_RANK ? rank : autoRank(items);
  }

  /** {@code round(1.5 sqrt(items))} clamped to [16, 256]; see {@link #rankFor}. */
  public static int autoRank(int items) {
    return (int) Math.max(16, Math.min(256, Math.round(1.5 * Math.sqrt(Math.max(0, items)))));
  }

  private static void require(boolean ok, String message) {
    if (!ok) throw new IllegalArgumentException(message);
  }

  public GraphFilterConfig withRank(int v) {
    return new GraphFilterConfig(v, idealWeight, powerIterations, oversampling, seed, threads);
  }

  public GraphFilterConfig withIdealWeight(float v) {
    return new GraphFilterConfig(rank, v, powerIterations, oversampling, seed, threads);
  }

  public GraphFilterConfig withPowerIterations(int v) {
    return new GraphFilterConfig(rank, idealWeight, v, oversampling, seed, threads);
  }

  public GraphFilterConfig withOversampling(int v) {
    return new GraphFilterConfig(rank, idealWeight, powerIterations, v, seed, threads);
  }

  public GraphFilterConfig withSeed(long v) {
    return new GraphFilterConfig(rank, idealWeight, powerIterations, oversampling, v, threads);
  }

  public GraphFilterConfig withThreads(int v) {
    return new GraphFilterConfig(rank, idealWeight, powerIterations, oversampling, seed, v);
  }

  /** Every hyperparameter as strings, for provenance. */
  public Map<String, String> toMap() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("rank", rank == AUTO_RANK ? "auto" : Integer.toString(rank));
    m.put("idealWeight", Float.toString(idealWeight));
    m.put("powerIterations", Integer.toString(powerIterations));
    m.put("oversampling", Integer.toString(oversampling));
    return m;
  }
}
