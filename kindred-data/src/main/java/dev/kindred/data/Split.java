package dev.kindred.data;

import dev.kindred.core.Interactions;
import java.util.Objects;

/**
 * A train/test split of one data set: both parts have the same dimensions and the same
 * {@code IdIndex} objects, no pair is in both, and together they hold every input pair.
 */
public record Split(Interactions train, Interactions test) {

  public Split {
    Objects.requireNonNull(train, "train");
    Objects.requireNonNull(test, "test");
    if (train.numUsers() != test.numUsers() || train.numItems() != test.numItems()
        || train.userIndex() != test.userIndex() || train.itemIndex() != test.itemIndex()) {
      throw new IllegalArgumentException("train " + train + " and test " + test + " must share dimensions and indices");
    }
  }
}
