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
 */
public record ReadOptions(DuplicatePolicy duplicates, boolean skipInvalid, boolean implicit, int threads) {

  /** Upper bound for {@code threads = 0}: parsing is memory bound beyond a few cores. */
  public static final int MAX_AUTO_THREADS = 4;

  /** Keep the last duplicate, fail on bad rows, read ratings, automatic thread count. */
  public static final ReadOptions DEFAULTS = new ReadOptions(DuplicatePolicy.LAST, false, false, 0);

  public ReadOptions {
    Objects.requireNonNull(duplicates, "duplicates");
    if (threads < 0) {
      throw new IllegalArgumentException("threads must be >= 0 (0 = automatic), got " + threads);
    }
  }

  /** Automatic thread count. */
  public ReadOptions(DuplicatePolicy duplicates, boolean skipInvalid, boolean implicit) {
    this(duplicates, skipInvalid, implicit, 0);
  }

  public ReadOptions withDuplicates(DuplicatePolicy policy) {
    return new ReadOptions(policy, skipInvalid, implicit, threads);
  }

  public ReadOptions withSkipInvalid(boolean skip) {
    return new ReadOptions(duplicates, skip, implicit, threads);
  }

  public ReadOptions withImplicit(boolean implicitValues) {
    return new ReadOptions(duplicates, skipInvalid, implicitValues, threads);
  }

  public ReadOptions withThreads(int parserThreads) {
    return new ReadOptions(duplicates, skipInvalid, implicit, parserThreads);
  }

  /** The thread count to use: {@code threads}, or the automatic choice when it is 0. */
  int effectiveThreads() {
    return threads > 0 ? threads : Math.min(MAX_AUTO_THREADS, Runtime.getRuntime().availableProcessors());
  }
}
