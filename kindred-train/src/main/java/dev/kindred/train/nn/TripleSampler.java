package dev.kindred.train.nn;

import dev.kindred.core.Interactions;
import dev.kindred.train.bpr.NegativeSampler;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * Draws one epoch of (user, positive, negative) training triples for mini-batch training, in a
 * random order, from a seeded stream: the same stream gives the same epoch whatever the thread
 * count (the draw is sequential; at about 50 ns per triple it is a small part of a step).
 *
 * <p>An epoch has as many triples as there are training pairs. Two schemes:
 * <ol>
 *   <li>{@link Scheme#INTERACTIONS}: every training pair once, in a shuffled order (Fisher-Yates),
 *       each with a fresh negative.
 *   <li>{@link Scheme#USERS}: a user uniformly among users with at least one pair, then one of that
 *       user's items uniformly, then a negative; independent draws (the sampler of the LightGCN and
 *       NGCF reference code, {@code UniformSample_original}), which weights light users more than
 *       {@code INTERACTIONS} does.
 * </ol>
 * Negatives come from a {@link NegativeSampler} (uniform or popularity proposals, redrawn while
 * they are one of the user's items). Cost: {@code O(|S| log degree)} per epoch; memory 12 bytes per
 * triple plus 4 per training pair. Immutable and thread-safe; the caller owns the random stream.
 */
public final class TripleSampler {

  /** Which pairs an epoch visits. */
  public enum Scheme {
    /** Every training pair once, shuffled. */
    INTERACTIONS,
    /** Uniform user, then a uniform item of that user (the LightGCN reference's sampler). */
    USERS
  }

  /**
   * One epoch's triples, triple {@code b} being {@code (users[b], positives[b], negatives[b])};
   * batch {@code n} of size {@code B} is {@code [n B, min(size, (n + 1) B))}.
   */
  public record Triples(int[] users, int[] positives, int[] negatives) {
    public int size() {
      return users.length;
    }

    /** Number of batches of (at most) {@code batchSize} triples. */
    public int batches(int batchSize) {
      if (batchSize <= 0) throw new IllegalArgumentException("batchSize must be > 0, got " + batchSize);
      return (int) (((long) size() + batchSize - 1) / batchSize);
    }
  }

  private final Interactions train;
  private final Scheme scheme;
  private final NegativeSampler negatives;
  private final int[] userOf; // user of each CSR position
  private final int[] activeUsers;

  public TripleSampler(Interactions train, Scheme scheme, NegativeSampler negatives) {
    this.train = Objects.requireNonNull(train, "train");
    this.scheme = Objects.requireNonNull(scheme, "scheme");
    this.negatives = Objects.requireNonNull(negatives, "negatives");
    if (negatives.numItems() != train.numItems()) {
      throw new IllegalArgumentException("sampler covers " + negatives.numItems() + " items, data has " + train.numItems());
    }
    if (train.size() == 0) throw new IllegalArgumentException("no training pairs in " + train);
    int[] ptr = train.userPtr();
    userOf = new int[train.size()];
    int active = 0;
    for (int u = 0; u < train.numUsers(); u++) {
      java.util.Arrays.fill(userOf, ptr[u], ptr[u + 1], u);
      if (ptr[u + 1] > ptr[u]) active++;
    }
    activeUsers = new int[active];
    for (int u = 0, a = 0; u < train.numUsers(); u++) {
      if (ptr[u + 1] > ptr[u]) activeUsers[a++] = u;
    }
  }

  /**
   * One epoch from {@code rng}. A user who has every item gets negative -1 (callers skip such
   * triples; real data never has one).
   */
  public Triples epoch(SplittableRandom rng) {
    int n = train.size();
    int[] ptr = train.userPtr();
    int[] idx = train.itemIdx();
    int[] us = new int[n];
    int[] is = new int[n];
    int[] js = new int[n];
    if (scheme == Scheme.INTERACTIONS) {
      for (int b = 0; b < n; b++) is[b] = b;
      for (int b = n - 1; b > 0; b--) {
        int c = rng.nextInt(b + 1);
        int t = is[b];
        is[b] = is[c];
        is[c] = t;
      }
      for (int b = 0; b < n; b++) {
        us[b] = userOf[is[b]];
        is[b] = idx[is[b]];
      }
    } else {
      for (int b = 0; b < n; b++) {
        int u = activeUsers[rng.nextInt(activeUsers.length)];
        us[b] = u;
        is[b] = idx[ptr[u] + rng.nextInt(ptr[u + 1] - ptr[u])];
      }
    }
    for (int b = 0; b < n; b++) {
      int u = us[b];
      js[b] = negatives.draw(rng, idx, ptr[u], ptr[u + 1]);
    }
    return new Triples(us, is, js);
  }
}
