package dev.kindred.core;

import java.io.IOException;
import java.util.Objects;

/**
 * The most-popular baseline: one score per item, the same for every user, plus the training
 * histories so that a user's own items can be left out ({@link PopularityRecommender}). Immutable
 * (the arrays must not be modified after construction); thread-safe.
 *
 * <p>Invariants (checked in the constructor):
 * <ol>
 *   <li>{@code itemScores.length == itemIndex.size()}; every score is finite.
 *   <li>{@code histories} has {@code userIndex.size()} users and {@code itemIndex.size()} items and
 *       uses the same two {@link IdIndex}es as the model.
 * </ol>
 */
public final class PopularityModel implements Model {

  public static final String KIND = "popularity";

  private final Provenance provenance;
  private final float[] itemScores;
  private final Interactions histories;

  /**
   * @param itemScores popularity of each item (an interaction count or a sum of values)
   * @param histories the training interactions, kept for exclusion; their indices are the model's
   */
  public PopularityModel(Provenance provenance, float[] itemScores, Interactions histories) {
    this.provenance = Objects.requireNonNull(provenance, "provenance");
    this.itemScores = Objects.requireNonNull(itemScores, "itemScores");
    this.histories = Objects.requireNonNull(histories, "histories");
    ItemItemModel.checkHistories(histories);
    if (itemScores.length != histories.numItems()) {
      throw new IllegalArgumentException("itemScores has " + itemScores.length + " entries, expected one per item ("
          + histories.numItems() + ")");
    }
    for (int i = 0; i < itemScores.length; i++) {
      if (!Float.isFinite(itemScores[i])) {
        throw new IllegalArgumentException("item " + i + " has a non-finite popularity " + itemScores[i]);
      }
    }
  }

  @Override
  public String kind() {
    return KIND;
  }

  @Override
  public Provenance provenance() {
    return provenance;
  }

  @Override
  public IdIndex userIndex() {
    return histories.userIndex();
  }

  @Override
  public IdIndex itemIndex() {
    return histories.itemIndex();
  }

  /** Shared; do not modify. */
  public float[] itemScores() {
    return itemScores;
  }

  /** The training interactions. Shared. */
  public Interactions histories() {
    return histories;
  }

  /** The item's popularity, whoever the user. */
  @Override
  public float score(int user, int item) {
    return itemScores[item];
  }

  /**
   * File codec. Body: user and item id indices, the item scores (float array), the histories
   * ({@link ModelFile.Output#interactions}).
   */
  static final class Codec implements ModelCodec<PopularityModel> {
    @Override
    public String kind() {
      return KIND;
    }

    @Override
    public Class<PopularityModel> type() {
      return PopularityModel.class;
    }

    @Override
    public void write(PopularityModel m, ModelFile.Output out) throws IOException {
      out.index(m.userIndex());
      out.index(m.itemIndex());
      out.floats(m.itemScores());
      out.interactions(m.histories());
    }

    @Override
    public PopularityModel read(Provenance p, ModelFile.Input in) {
      IdIndex users = in.index();
      IdIndex items = in.index();
      float[] scores = in.floats();
      Interactions histories = in.interactions(users, items);
      return new PopularityModel(p, scores, histories); // ModelFile reports a broken invariant as malformed
    }
  }
}
