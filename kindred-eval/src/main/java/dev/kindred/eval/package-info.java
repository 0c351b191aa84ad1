/**
 * Offline evaluation: per-user ranking metrics ({@link dev.kindred.eval.RankingMetrics}), rating
 * errors ({@link dev.kindred.eval.RatingMetrics}), catalog coverage
 * ({@link dev.kindred.eval.CatalogCoverage}), and the {@link dev.kindred.eval.Evaluator} that runs
 * a model over a held-out test set and returns metrics under the keys of DESIGN.md.
 *
 * <p>Beyond accuracy: {@link dev.kindred.eval.ItemPopularity} (novelty, average popularity,
 * long-tail share), {@link dev.kindred.eval.Exposure} (coverage, Gini of exposure),
 * {@link dev.kindred.eval.IntraListDiversity}. Comparing models:
 * {@link dev.kindred.eval.Evaluator#perUserMetrics} keeps every user's values
 * ({@link dev.kindred.eval.UserMetrics}); {@link dev.kindred.eval.Bootstrap} turns them into
 * intervals and paired tests over users; {@link dev.kindred.eval.Comparison} does it for several
 * models on the same split or folds.
 */
package dev.kindred.eval;
