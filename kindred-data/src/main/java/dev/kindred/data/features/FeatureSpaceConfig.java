package dev.kindred.data.features;

/**
 * How {@link FeatureSpace} maps (field, value) pairs to feature indices.
 *
 * @param maxVocabulary a categorical, multi-valued or text field with more distinct values than
 *     this is hashed (the hashing trick) into {@code hashBuckets} features
 * @param hashBuckets features per hashed field
 * @param numericBuckets equal-frequency ranges per numeric field (fewer when values repeat)
 * @param minCount values seen on fewer entities are dropped (a frequency threshold)
 * @param normalize scale each entity's weights to sum 1 (LightFM's {@code normalize=True})
 */
public record FeatureSpaceConfig(int maxVocabulary, int hashBuckets, int numericBuckets, int minCount,
    boolean normalize) {

  public static final FeatureSpaceConfig DEFAULTS = new FeatureSpaceConfig(50_000, 1 << 16, 10, 1, true);

  public FeatureSpaceConfig {
    if (maxVocabulary < 1) throw new IllegalArgumentException("maxVocabulary must be >= 1, got " + maxVocabulary);
    if (hashBuckets < 1) throw new IllegalArgumentException("hashBuckets must be >= 1, got " + hashBuckets);
    if (numericBuckets < 1) throw new IllegalArgumentException("numericBuckets must be >= 1, got " + numericBuckets);
    if (minCount < 1) throw new IllegalArgumentException("minCount must be >= 1, got " + minCount);
  }

  public FeatureSpaceConfig withMaxVocabulary(int v) {
    return new FeatureSpaceConfig(v, hashBuckets, numericBuckets, minCount, normalize);
  }

  public FeatureSpaceConfig withHashBuckets(int v) {
    return new FeatureSpaceConfig(maxVocabulary, v, numericBuckets, minCount, normalize);
  }

  public FeatureSpaceConfig withNumericBuckets(int v) {
    return new FeatureSpaceConfig(maxVocabulary, hashBuckets, v, minCount, normalize);
  }

  public FeatureSpaceConfig withMinCount(int v) {
    return new FeatureSpaceConfig(maxVocabulary, hashBuckets, numericBuckets, v, normalize);
  }

  public FeatureSpaceConfig withNormalize(boolean v) {
    return new FeatureSpaceConfig(maxVocabulary, hashBuckets, numericBuckets, minCount, v);
  }
}
