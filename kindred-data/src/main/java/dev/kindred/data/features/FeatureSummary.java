package dev.kindred.data.features;

import java.util.Locale;

/**
 * What happened when a {@link FeatureTable} was encoded for an interaction id index: the counts a
 * user needs to trust (or distrust) the side data.
 *
 * @param source the table's source
 * @param tableRows ids in the table
 * @param unknownIds table ids that are not in the interaction id index (ignored)
 * @param entities entities in the id index
 * @param entitiesWithoutRow entities the table has no row for (they get no side features)
 * @param missingFields (entity, field) pairs without a value, over entities that have a row
 * @param unseenValues values that map to no feature (not in the vocabulary, or below the
 *     frequency threshold)
 * @param hashCollisions distinct values of hashed fields that share a bucket with an earlier one
 * @param features size of the feature space
 * @param nonZeros stored (entity, feature) weights
 */
public record FeatureSummary(String source, int tableRows, int unknownIds, int entities, int entitiesWithoutRow,
    long missingFields, long unseenValues, long hashCollisions, int features, long nonZeros) {

  /** One line for a log or the command line's standard error. */
  @Override
  public String toString() {
    return String.format(Locale.ROOT, "%s: %,d rows, %,d features, %,d weights; %,d ids not in the interactions, "
            + "%,d of %,d entities without a row, %,d missing fields, %,d unseen values, %,d hash collisions",
        source, tableRows, features, nonZeros, unknownIds, entitiesWithoutRow, entities, missingFields, unseenValues,
        hashCollisions);
  }
}
