package dev.kindred.data.features;

import dev.kindred.math.CsrMatrix;
import java.util.Objects;

/**
 * Entities' side features as sparse rows: row {@code e} of {@link #matrix()} holds entity
 * {@code e}'s feature indices (columns, in the {@link FeatureSpace}) and weights.
 *
 * @param matrix entities x features; row order is the interaction id index's
 * @param summary counts of what the encoding met
 */
public record EncodedFeatures(CsrMatrix matrix, FeatureSummary summary) {
  public EncodedFeatures {
    Objects.requireNonNull(matrix, "matrix");
    Objects.requireNonNull(summary, "summary");
  }
}
