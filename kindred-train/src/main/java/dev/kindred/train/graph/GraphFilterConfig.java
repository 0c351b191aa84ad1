package dev.kindred.train.graph;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Hyperparameters of the graph filter ({@link GraphFilterTrainer}). Defaults live in
 * {@link #DEFAULTS}: rank 256 and ideal weight 0.3 are GF-CF's published Gowalla settings (Shen et
 * al., CIKM 2021, arXiv:2108.07567, section 5 and the authors' code); the sketch settings are the
 * cheapest that reach the exact-SVD accuracy on Gowalla (docs/benchmarks.md).
 *
 * @param rank {@code k}, the number of top singular vectors of {@code R~} in the ideal low-pass
 *     filter ({@code --rank})
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

  public static final GraphFilterConfig DEFAULTS = new GraphFilterConfig(256, 0.3f, 4, 64, 42L, 2);

  public GraphFilterConfig {
    require(rank > 0, "rank must be > 0, got " + rank);
    require(Float.isFinite(idealWeight) && idealWeight >= 0f, "idealWeight must be finite and >= 0, got " + idealWeight);
    require(powerIterations >= 0, "powerIterations must be >= 0, got " + powerIterations);
    require(oversampling >= 0, "oversampling must be >= 0, got " + oversampling);
    require(threads > 0, "threads must be > 0, got " + threads);
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
    m.put("rank", Integer.toString(rank));
    m.put("idealWeight", Float.toString(idealWeight));
    m.put("powerIterations", Integer.toString(powerIterations));
    m.put("oversampling", Integer.toString(oversampling));
    return m;
  }
}
