package dev.kindred.core;

/**
 * Learned parameters plus provenance; immutable and safe to share between threads. Every model
 * knows the id spaces it was trained on, so callers can speak external ids at the edge.
 */
public interface Model {

  /** The on-disk kind, which selects the codec in {@link ModelFile}. */
  String kind();

  Provenance provenance();

  IdIndex userIndex();

  IdIndex itemIndex();

  default int numUsers() {
    return userIndex().size();
  }

  default int numItems() {
    return itemIndex().size();
  }

  /** The predicted preference of {@code user} for {@code item} (a rating for explicit models). */
  float score(int user, int item);
}
