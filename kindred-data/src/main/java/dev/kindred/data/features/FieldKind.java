package dev.kindred.data.features;

/** How a side-feature field's values become features ({@link FeatureSpace}). */
public enum FieldKind {
  /** One value per entity (gender, occupation): one feature per distinct value. */
  CATEGORICAL,
  /** Several values per entity (genres, tags): one feature per distinct value, each present one counted. */
  MULTI,
  /** A number (age, release year): bucketised into equal-frequency ranges, one feature per range. */
  NUMERIC,
  /** Free text (a title): lower-cased word tokens, one feature per distinct token. */
  TEXT
}
