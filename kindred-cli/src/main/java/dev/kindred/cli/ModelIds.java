package dev.kindred.cli;

import dev.kindred.core.Interactions;
import dev.kindred.core.Model;

/** Moves interactions read from files onto a saved model's id indices. */
final class ModelIds {

  private ModelIds() {}

  /**
   * The pairs of {@code data} whose user and item the model knows, re-indexed to the model's
   * indices; pairs with unknown ids (cold users or items) are dropped.
   */
  static Interactions onModel(Interactions data, Model model) {
    return data.onto(model.userIndex(), model.itemIndex());
  }

  static Interactions empty(Model model) {
    return Interactions.fromCoo(model.userIndex(), model.itemIndex(), model.numUsers(), model.numItems(),
        new int[0], new int[0], new float[0], null, 0, dev.kindred.core.DuplicatePolicy.LAST);
  }
}
