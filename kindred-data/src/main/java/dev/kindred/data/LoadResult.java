package dev.kindred.data;

import dev.kindred.core.Interactions;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What {@link InteractionReader} read from one file.
 *
 * @param data the interactions, duplicates resolved
 * @param rowsRead (user, item) records read, before duplicates were merged; for the per-user
 *     {@code lightgcn} format this counts pairs, not lines. {@code data.size() <= rowsRead}.
 * @param rowsSkipped rows that did not parse and were skipped ({@link ReadOptions#skipInvalid()})
 * @param skippedExamples the first few skipped rows, as {@code file:line: problem} messages
 * @param file the file read
 * @param userIdCollisions with hashed user ids ({@link ReadOptions#hashUserBuckets()}), how many
 *     distinct user ids of all the files read together landed in a bucket another id already held
 *     (distinct ids minus occupied buckets); -1 when ids were not hashed
 */
public record LoadResult(Interactions data, long rowsRead, long rowsSkipped, List<String> skippedExamples, Path file,
    long userIdCollisions) {

  /** How many skipped-row messages are kept. */
  public static final int MAX_EXAMPLES = 5;

  public LoadResult {
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(file, "file");
    skippedExamples = List.copyOf(skippedExamples);
    if (rowsRead < 0 || rowsSkipped < 0 || userIdCollisions < -1) {
      throw new IllegalArgumentException("negative counts: read " + rowsRead + ", skipped " + rowsSkipped
          + ", collisions " + userIdCollisions);
    }
  }

  /** A result whose user ids were not hashed. */
  public LoadResult(Interactions data, long rowsRead, long rowsSkipped, List<String> skippedExamples, Path file) {
    this(data, rowsRead, rowsSkipped, skippedExamples, file, -1);
  }
}
