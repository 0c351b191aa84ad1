package dev.kindred.train.baseline;

import dev.kindred.core.Interactions;
import java.util.Arrays;

/** The histories an item-item model keeps: the training data, with every value 1 for binary models. */
final class TrainingHistories {

  private TrainingHistories() {}

  static Interactions of(Interactions train, boolean binary) {
    if (!binary) return train;
    float[] ones = new float[train.size()];
    Arrays.fill(ones, 1f);
    return train.withValues(ones);
  }
}
