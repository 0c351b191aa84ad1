/** Readers, cleaning, filtering, normalisation, splits and the synthetic generator. */
module dev.kindred.data {
  requires transitive dev.kindred.core;
  requires it.unimi.dsi.fastutil;
  requires org.slf4j;

  exports dev.kindred.data;
  exports dev.kindred.data.features;
}
