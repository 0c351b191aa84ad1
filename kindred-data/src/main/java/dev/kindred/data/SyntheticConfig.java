package dev.kindred.data;

/**
 * What {@link SyntheticGenerator} plants. Defaults in one place: {@link #of}.
 *
 * @param users number of users (ids 1..users)
 * @param items number of items (ids 1..items)
 * @param interactions exact number of (user, item) pairs to generate, at most users x items
 * @param rank dimension of the planted user and item factors
 * @param noise standard deviation of the Gaussian noise added to each explicit rating (and to
 *     the implicit score before the event is drawn)
 * @param popularityExponent Zipf exponent of item popularity (0: uniform; 1: classic Zipf)
 * @param implicit true for events (value 1) drawn with a probability increasing in the planted
 *     score; false for explicit ratings in [1, 5]
 * @param seed the only source of randomness: equal configs give byte-identical output
 * @param activityExponent Zipf exponent of user activity (0: every user about equally active)
 * @param startTimestamp first possible timestamp (Unix seconds)
 * @param periodSeconds length of the time span the timestamps fall in
 * @param taste how strongly the planted preferences decide which items a user interacts with: the
 *     inverse temperature {@code 1/T} of {@link SyntheticGenerator}'s choice model (0: popularity
 *     alone decides, as before taste existed; 2 to 4: a personalised model clearly beats
 *     popularity)
 * @param tasteGroups number of planted taste groups (user factors are a group centroid plus an
 *     individual part); used only when {@code taste > 0}, costing {@code tasteGroups x items}
 *     sampler entries
 */
public record SyntheticConfig(int users, int items, long interactions, int rank, double noise,
    double popularityExponent, boolean implicit, long seed, double activityExponent, long startTimestamp,
    long periodSeconds, double taste, int tasteGroups) {

  public static final int DEFAULT_RANK = 10;
  public static final double DEFAULT_NOISE = 0.5;
  public static final double DEFAULT_POPULARITY_EXPONENT = 1.0;
  public static final double DEFAULT_ACTIVITY_EXPONENT = 0.5;
  /** 2017-07-14T02:40:00Z. */
  public static final long DEFAULT_START = 1_500_000_000L;
  /** Two years. */
  public static final long DEFAULT_PERIOD = 2L * 365 * 24 * 3600;
  public static final int MAX_RANK = 1024;
  /** Popularity alone chooses the items (the generator's behaviour before taste existed). */
  public static final double DEFAULT_TASTE = 0;
  public static final int DEFAULT_TASTE_GROUPS = 16;
  public static final double MAX_TASTE = 20;
  /** Largest {@code tasteGroups x items}: the per-group samplers hold 12 bytes per entry (about 3 GB). */
  public static final long MAX_TASTE_ENTRIES = 1L << 28;

  public SyntheticConfig {
    if (users < 1 || items < 1) {
      throw new IllegalArgumentException("users and items must be >= 1, got " + users + " x " + items);
    }
    if (interactions < 0 || interactions > (long) users * items) {
      throw new IllegalArgumentException("interactions must be in [0, users x items = " + (long) users * items
          + "] since each user's items are distinct, got " + interactions);
    }
    if (rank < 1 || rank > MAX_RANK) {
      throw new IllegalArgumentException("rank must be in [1, " + MAX_RANK + "], got " + rank);
    }
    if (!(noise >= 0) || Double.isInfinite(noise)) {
      throw new IllegalArgumentException("noise must be finite and >= 0, got " + noise);
    }
    if (!(popularityExponent >= 0) || popularityExponent > 10) {
      throw new IllegalArgumentException("popularityExponent must be in [0, 10], got " + popularityExponent);
    }
    if (!(activityExponent >= 0) || activityExponent > 10) {
      throw new IllegalArgumentException("activityExponent must be in [0, 10], got " + activityExponent);
    }
    if (periodSeconds < 1 || startTimestamp < 0 || startTimestamp > Long.MAX_VALUE - periodSeconds) {
      throw new IllegalArgumentException("need startTimestamp >= 0 and periodSeconds >= 1 without overflow, got "
          + startTimestamp + " and " + periodSeconds);
    }
    if (!(taste >= 0) || taste > MAX_TASTE) {
      throw new IllegalArgumentException("taste must be in [0, " + MAX_TASTE + "], got " + taste);
    }
    if (tasteGroups < 1 || (taste > 0 && (long) tasteGroups * items > MAX_TASTE_ENTRIES)) {
      throw new IllegalArgumentException("tasteGroups must be >= 1 with tasteGroups x items <= " + MAX_TASTE_ENTRIES
          + " when taste > 0, got " + tasteGroups + " x " + items);
    }
  }

  /** Explicit ratings with the default rank, noise, popularity, activity and time span. */
  public static SyntheticConfig of(int users, int items, long interactions, long seed) {
    return new SyntheticConfig(users, items, interactions, DEFAULT_RANK, DEFAULT_NOISE, DEFAULT_POPULARITY_EXPONENT,
        false, seed, DEFAULT_ACTIVITY_EXPONENT, DEFAULT_START, DEFAULT_PERIOD,
        DEFAULT_TASTE, DEFAULT_TASTE_GROUPS);
  }

  public SyntheticConfig withRank(int r) {
    return new SyntheticConfig(users, items, interactions, r, noise, popularityExponent, implicit, seed,
        activityExponent, startTimestamp, periodSeconds, taste, tasteGroups);
  }

  public SyntheticConfig withNoise(double n) {
    return new SyntheticConfig(users, items, interactions, rank, n, popularityExponent, implicit, seed,
        activityExponent, startTimestamp, periodSeconds, taste, tasteGroups);
  }

  public SyntheticConfig withPopularityExponent(double e) {
    return new SyntheticConfig(users, items, interactions, rank, noise, e, implicit, seed, activityExponent,
        startTimestamp, periodSeconds, taste, tasteGroups);
  }

  public SyntheticConfig withActivityExponent(double e) {
    return new SyntheticConfig(users, items, interactions, rank, noise, popularityExponent, implicit, seed, e,
        startTimestamp, periodSeconds, taste, tasteGroups);
  }

  public SyntheticConfig withImplicit(boolean i) {
    return new SyntheticConfig(users, items, interactions, rank, noise, popularityExponent, i, seed,
        activityExponent, startTimestamp, periodSeconds, taste, tasteGroups);
  }

  public SyntheticConfig withSeed(long s) {
    return new SyntheticConfig(users, items, interactions, rank, noise, popularityExponent, implicit, s,
        activityExponent, startTimestamp, periodSeconds, taste, tasteGroups);
  }

  public SyntheticConfig withTaste(double t) {
    return new SyntheticConfig(users, items, interactions, rank, noise, popularityExponent, implicit, seed,
        activityExponent, startTimestamp, periodSeconds, t, tasteGroups);
  }

  public SyntheticConfig withTasteGroups(int g) {
    return new SyntheticConfig(users, items, interactions, rank, noise, popularityExponent, implicit, seed,
        activityExponent, startTimestamp, periodSeconds, taste, g);
  }
}
