/**
 * Hyper-parameter search for {@code kindred tune}: a {@link dev.kindred.eval.tune.SearchSpace} of
 * {@link dev.kindred.eval.tune.Param}s, random search or successive halving in
 * {@link dev.kindred.eval.tune.Tuner} (configured by {@link dev.kindred.eval.tune.TuneConfig}),
 * and the resumable JSON-lines state of {@link dev.kindred.eval.tune.TrialLog}. The objective is
 * the caller's: nothing here sees a test set.
 */
package dev.kindred.eval.tune;
