/**
 * Offline evaluation: per-user ranking metrics ({@link dev.kindred.eval.RankingMetrics}), rating
 * errors ({@link dev.kindred.eval.RatingMetrics}), catalog coverage
 * ({@link dev.kindred.eval.CatalogCoverage}), and the {@link dev.kindred.eval.Evaluator} that runs
 * a model over a held-out test set and returns metrics under the keys of DESIGN.md.
 */
package dev.kindred.eval;
