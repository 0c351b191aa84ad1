package dev.kindred.data;

import dev.kindred.core.DuplicatePolicy;
import java.util.Objects;

/**
 * How {@link InteractionReader} turns rows into interactions.
 *
 * @param duplicates what to keep when a (user, item) pair appears more than once in one file
 * @param skipInvalid when true a row that does not parse is skipped and counted in
 *     {@link LoadResult#rowsSkipped()}; when false it fails the read with a
 *     {@link DataFormatException}
 * @param implicit when true the rating column (if any) is not read and every value is 1
 * @param threads parser threads; 0 means one per available processor, at most
 *     {@value #MAX_AUTO_THREADS}. Results do not depend on it.
 * @param hashUserBuckets 0 to number user ids in order of first appearance; else the number of
 *     buckets user ids are hashed into ({@link dev.kindred.core.IdIndex#hashed}), so the user side
 *     has exactly that many rows whatever the data, and {@link LoadResult#userIdCollisions()}
 *     counts the ids that share a bucket with another. Items are never hashed: a recommendation
 *     must name them.
 */
public record ReadOptions(DuplicatePolicy duplicates, boolean skipInvalid, boolean implicit, int threads,
    int hashUserBuckets) {

  /** Upper bound for {@code threads = 0}: parsing is memory bound beyond a few cores. */
  public static final int MAX_AUTO_THREADS = 4;

  /** Keep the last duplicate, fail on bad rows, read ratings, automatic thread count. */
  public static final ReadOptions DEFAULTS = new ReadOptions(DuplicatePolicy.LAST, false, false, 0, 0);

  public ReadOptions {
    Objects.requireNonNull(duplicates, "duplicates");
    if (threads < 0) {
      throw new IllegalArgumentException("threads must be >= 0 (0 = automatic), got " + threads);
    }
    if (hashUserBuckets < 0) {
      throw new IllegalArgumentException("hashUserBuckets must be >= 0 (0 = ids not hashed), got " + hashUserBuckets);
    }
  }

  /** User ids not hashed. */
  public ReadOptions(DuplicatePolicy duplicates, boolean skipInvalid, boolean implicit, int threads) {
    this(duplicates, skipInvalid, implicit, threads, 0);
  }

  /** Automatic thread count. */
  public ReadOptions(DuplicatePolicy duplicates, boolean skipInvalid, boolean implicit) {
    this(duplicates, skipInvalid, implicit, 0);
  }

  public ReadOptions withDuplicates(DuplicatePolicy policy) {
    return new ReadOptions(policy, skipInvalid, implicit, threads, hashUserBuckets);
  }

  public ReadOptions withSkipInvalid(boolean skip) {
    return new ReadOptions(duplicates, skip, implicit, threads, hashUserBuckets);
  }

  public ReadOptions withImplicit(boolean implicitValues) {
    return new ReadOptions(duplicates, skipInvalid, implicitValues, threads, hashUserBuckets);
  }

  public ReadOptions withThreads(int parserThreads) {
    return new ReadOptions(duplicates, skipInvalid, implicit, parserThreads, hashUserBuckets);
  }

  /** These options with user ids hashed into {@code buckets} buckets (0: not hashed). */
  public ReadOptions withHashUserBuckets(int buckets) {
    return new ReadOptions(duplicates, skipInvalid, implicit, threads, buckets);
  }

  /** The thread count to use: {@code threads}, or the automatic choice when it is 0. */
  int effectiveThreads() {
    return threads > 0 ? threads : Math.min(MAX_AUTO_THREADS, Runtime.getRuntime().availableProcessors());
  }
}
