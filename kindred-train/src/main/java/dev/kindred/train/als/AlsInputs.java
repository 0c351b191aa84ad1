package dev.kindred.train.als;

import dev.kindred.core.Interactions;
import dev.kindred.core.ProgressListener;
import java.util.Objects;

/** Argument checks shared by the two ALS trainers. */
final class AlsInputs {

  private AlsInputs() {}

  /**
   * @throws IllegalArgumentException for an empty training set, a validation set outside the
   *     training dimensions, a non-finite value, or (implicit) a negative value
   */
  static void check(String name, Interactions train, Interactions validation, ProgressListener listener,
      boolean implicit) {
    Objects.requireNonNull(train, "train");
    Objects.requireNonNull(listener, "listener");
    if (train.size() == 0) {
      throw new IllegalArgumentException(name + ": the training set has no interactions");
    }
    if (validation != null && (validation.numUsers() > train.numUsers() || validation.numItems() > train.numItems())) {
      throw new IllegalArgumentException(name + ": validation set has ids outside the training dimensions: "
          + validation.numUsers() + " x " + validation.numItems() + " vs " + train.numUsers() + " x "
          + train.numItems());
    }
    int[] ptr = train.userPtr();
    float[] values = train.values();
    for (int u = 0; u < train.numUsers(); u++) {
      for (int j = ptr[u]; j < ptr[u + 1]; j++) {
        float v = values[j];
        if (!Float.isFinite(v) || (implicit && v < 0)) {
          throw new IllegalArgumentException(name + ": value " + v + " of user " + u + ", item "
              + train.itemIdx()[j] + (implicit ? " must be finite and >= 0 (confidence 1 + alpha * value)"
                  : " is not finite"));
        }
      }
    }
  }
}
