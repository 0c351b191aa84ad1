package dev.kindred.eval;

/**
 * How {@link Evaluator#rankingMetrics} runs. Defaults live in {@link #defaults()} only.
 *
 * @param threads threads for {@code Recommender.recommendAll}, in a pool created per batch
 * @param excludeTrain remove each user's training items from the candidates (the contract of
 *     DESIGN.md); false ranks every item
 * @param relevanceThreshold a test pair is relevant when its value is {@code >=} this;
 *     {@code -inf} makes every test pair relevant (implicit data). For explicit ratings such as
 *     MovieLens stars a caller may pass {@code 4.0}.
 * @param batchSize users recommended per {@code recommendAll} call, which bounds the memory held
 *     in ranked lists to {@code batchSize * maxK} items
 */
public record EvalOptions(int threads, boolean excludeTrain, double relevanceThreshold, int batchSize) {

  public static final boolean DEFAULT_EXCLUDE_TRAIN = true;
  public static final double DEFAULT_RELEVANCE_THRESHOLD = Double.NEGATIVE_INFINITY;
  /** A multiple of the recommender's 32-user block; 4096 lists of K=100 are about 3 MB. */
  public static final int DEFAULT_BATCH_SIZE = 4096;

  public EvalOptions {
    if (threads <= 0) {
      throw new IllegalArgumentException("threads must be positive, got " + threads);
    }
    if (Double.isNaN(relevanceThreshold)) {
      throw new IllegalArgumentException("relevanceThreshold must not be NaN");
    }
    if (batchSize <= 0) {
      throw new IllegalArgumentException("batchSize must be positive, got " + batchSize);
    }
  }

  /** One thread per available processor, training items excluded, every test pair relevant. */
  public static EvalOptions defaults() {
    return new EvalOptions(Runtime.getRuntime().availableProcessors(), DEFAULT_EXCLUDE_TRAIN,
        DEFAULT_RELEVANCE_THRESHOLD, DEFAULT_BATCH_SIZE);
  }

  public EvalOptions withThreads(int t) {
    return new EvalOptions(t, excludeTrain, relevanceThreshold, batchSize);
  }

  public EvalOptions withExcludeTrain(boolean exclude) {
    return new EvalOptions(threads, exclude, relevanceThreshold, batchSize);
  }

  public EvalOptions withRelevanceThreshold(double threshold) {
    return new EvalOptions(threads, excludeTrain, threshold, batchSize);
  }

  public EvalOptions withBatchSize(int size) {
    return new EvalOptions(threads, excludeTrain, relevanceThreshold, size);
  }
}
