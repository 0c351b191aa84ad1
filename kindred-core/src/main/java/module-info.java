/** Kindred's data model and contracts: interactions, id indices, models, trainers, recommenders, the model file. */
module dev.kindred.core {
  requires transitive dev.kindred.math;
  requires it.unimi.dsi.fastutil;

  exports dev.kindred.core;
}
