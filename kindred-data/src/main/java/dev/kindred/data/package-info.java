/**
 * Getting interaction data into and out of Kindred: readers for MovieLens and delimited files
 * ({@link dev.kindred.data.InteractionReader}), a writer ({@link dev.kindred.data.InteractionWriter}),
 * cleaning and filtering ({@link dev.kindred.data.Filters}), value normalisation
 * ({@link dev.kindred.data.Normalization}), implicit confidence weighting
 * ({@link dev.kindred.data.Confidence}), train/test splits ({@link dev.kindred.data.Splits}) and a
 * synthetic data generator with planted structure ({@link dev.kindred.data.SyntheticGenerator}).
 *
 * <p>External ids become dense indices here, once, through {@link dev.kindred.core.IdIndex}; every
 * result is a {@link dev.kindred.core.Interactions}.
 */
package dev.kindred.data;
