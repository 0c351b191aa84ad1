package dev.kindred.core;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * Where a model came from: the algorithm and its full configuration, the training data's
 * fingerprint and size, the seed and thread count (same seed + threads => same model), the Kindred
 * version, and how long training took.
 *
 * <p>Build one by name, not by position: {@link #of} for a fit on an {@link Interactions} (the
 * common case: fingerprint and sizes from the data, made now by this library version), or
 * {@link #builder} for the rest (data held elsewhere, fixtures, fixed timestamps).
 *
 * @param algorithm model name as on the CLI ({@code mf-sgd}, ...)
 * @param config every hyperparameter, as strings, in a stable order
 * @param dataFingerprint {@link Interactions#fingerprint()} of the training data
 * @param seed the random seed
 * @param threads the training thread count
 * @param users users in the training data
 * @param items items in the training data
 * @param interactions training pairs
 * @param trainSeconds wall time of the fit
 * @param createdAtMillis when the model was made (epoch millis)
 * @param kindredVersion the library version that made it
 * @param dataCutoffMillis the training data's last event time (epoch millis), when the data had
 *     timestamps: what the model has learned ends there, so a server re-applies only logged events
 *     from then on ({@link #cutoffMillis}); empty for data without timestamps and older model files
 */
public record Provenance(String algorithm, Map<String, String> config, long dataFingerprint, long seed,
    int threads, int users, int items, int interactions, double trainSeconds, long createdAtMillis,
    String kindredVersion, OptionalLong dataCutoffMillis) {

  public Provenance {
    Objects.requireNonNull(algorithm, "algorithm");
    config = Map.copyOf(new LinkedHashMap<>(config));
    Objects.requireNonNull(kindredVersion, "kindredVersion");
    Objects.requireNonNull(dataCutoffMillis, "dataCutoffMillis");
  }

  /** A provenance without a data cut-off (data without timestamps). */
  public Provenance(String algorithm, Map<String, String> config, long dataFingerprint, long seed, int threads,
      int users, int items, int interactions, double trainSeconds, long createdAtMillis, String kindredVersion) {
    this(algorithm, config, dataFingerprint, seed, threads, users, items, interactions, trainSeconds,
        createdAtMillis, kindredVersion, OptionalLong.empty());
  }

  /**
   * Timestamps at or above this are epoch milliseconds, below it epoch seconds (as MovieLens and
   * most exports write them): a millisecond clock passed 10^11 in 1973, a second clock will in the
   * year 5138.
   */
  static final long MILLIS_FROM = 100_000_000_000L;

  /**
   * The last event time of {@code data} in epoch millis (seconds scaled by the rule of
   * {@link #MILLIS_FROM}), or empty when the data has no timestamps or no pairs.
   */
  public static OptionalLong cutoffMillis(Interactions data) {
    long[] ts = data.timestamps();
    if (ts == null || ts.length == 0) return OptionalLong.empty();
    long max = Long.MIN_VALUE;
    for (long t : ts) max = Math.max(max, t);
    return OptionalLong.of(max < MILLIS_FROM ? max * 1000 : max);
  }

  /**
   * Provenance of a fit on {@code train} that finished now, made by this library version: the
   * fingerprint and the user, item and interaction counts come from {@code train}.
   */
  public static Provenance of(String algorithm, Map<String, String> config, Interactions train, long seed, int threads,
      double trainSeconds) {
    return builder(algorithm).config(config).data(train).seed(seed).threads(threads).trainSeconds(trainSeconds)
        .build();
  }

  /**
   * A builder for {@code algorithm}'s provenance. Unset parts default to: empty config, fingerprint,
   * seed, sizes and training time 0, one thread, created when {@link Builder#build} runs, by
   * {@link #currentVersion()}.
   */
  public static Builder builder(String algorithm) {
    return new Builder(algorithm);
  }

  /** Names each part of a {@link Provenance}; not thread-safe. */
  public static final class Builder {
    private final String algorithm;
    private Map<String, String> config = Map.of();
    private long dataFingerprint;
    private long seed;
    private int threads = 1;
    private int users;
    private int items;
    private int interactions;
    private double trainSeconds;
    private Long createdAtMillis;
    private String kindredVersion = currentVersion();
    private OptionalLong dataCutoffMillis = OptionalLong.empty();

    private Builder(String algorithm) {
      this.algorithm = Objects.requireNonNull(algorithm, "algorithm");
    }

    public Builder config(Map<String, String> config) {
      this.config = Objects.requireNonNull(config, "config");
      return this;
    }

    /**
     * The fingerprint, the user, item and interaction counts and, when it has timestamps, the last
     * event time ({@link #cutoffMillis}) of {@code train}.
     */
    public Builder data(Interactions train) {
      this.dataCutoffMillis = cutoffMillis(train);
      return dataFingerprint(train.fingerprint()).size(train.numUsers(), train.numItems(), train.size());
    }

    /** The training data's last event time, epoch millis (see {@link Provenance#dataCutoffMillis}). */
    public Builder dataCutoffMillis(long millis) {
      this.dataCutoffMillis = OptionalLong.of(millis);
      return this;
    }

    public Builder dataFingerprint(long dataFingerprint) {
      this.dataFingerprint = dataFingerprint;
      return this;
    }

    /** The training data's dimensions, for data not held as one {@link Interactions}. */
    public Builder size(int users, int items, int interactions) {
      this.users = users;
      this.items = items;
      this.interactions = interactions;
      return this;
    }

    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    public Builder threads(int threads) {
      this.threads = threads;
      return this;
    }

    public Builder trainSeconds(double trainSeconds) {
      this.trainSeconds = trainSeconds;
      return this;
    }

    public Builder createdAtMillis(long createdAtMillis) {
      this.createdAtMillis = createdAtMillis;
      return this;
    }

    public Builder kindredVersion(String kindredVersion) {
      this.kindredVersion = Objects.requireNonNull(kindredVersion, "kindredVersion");
      return this;
    }

    public Provenance build() {
      return new Provenance(algorithm, config, dataFingerprint, seed, threads, users, items, interactions,
          trainSeconds, createdAtMillis == null ? System.currentTimeMillis() : createdAtMillis, kindredVersion,
          dataCutoffMillis);
    }
  }

  /** The running library's version (from the jar manifest, else "dev"). */
  public static String currentVersion() {
    String v = Provenance.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  /** Flattens to string pairs for the model file. */
  public Map<String, String> toMap() {
    Map<String, String> m = new LinkedHashMap<>();
    m.put("algorithm", algorithm);
    m.put("dataFingerprint", Long.toHexString(dataFingerprint));
    m.put("seed", Long.toString(seed));
    m.put("threads", Integer.toString(threads));
    m.put("users", Integer.toString(users));
    m.put("items", Integer.toString(items));
    m.put("interactions", Integer.toString(interactions));
    m.put("trainSeconds", Double.toString(trainSeconds));
    m.put("createdAtMillis", Long.toString(createdAtMillis));
    m.put("kindredVersion", kindredVersion);
    if (dataCutoffMillis.isPresent()) m.put("dataCutoffMillis", Long.toString(dataCutoffMillis.getAsLong()));
    config.entrySet().stream().sorted(Map.Entry.comparingByKey())
        .forEach(e -> m.put("config." + e.getKey(), e.getValue()));
    return m;
  }

  /** Inverse of {@link #toMap()}. */
  public static Provenance fromMap(Map<String, String> m) {
    Map<String, String> config = new LinkedHashMap<>();
    m.forEach((k, v) -> {
      if (k.startsWith("config.")) config.put(k.substring(7), v);
    });
    try {
      Builder b = builder(req(m, "algorithm"));
      if (m.containsKey("dataCutoffMillis")) b.dataCutoffMillis(Long.parseLong(m.get("dataCutoffMillis")));
      return b.config(config)
          .dataFingerprint(Long.parseUnsignedLong(req(m, "dataFingerprint"), 16))
          .seed(Long.parseLong(req(m, "seed")))
          .threads(Integer.parseInt(req(m, "threads")))
          .size(Integer.parseInt(req(m, "users")), Integer.parseInt(req(m, "items")),
              Integer.parseInt(req(m, "interactions")))
          .trainSeconds(Double.parseDouble(req(m, "trainSeconds")))
          .createdAtMillis(Long.parseLong(req(m, "createdAtMillis")))
          .kindredVersion(req(m, "kindredVersion"))
          .build();
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("malformed provenance: " + e.getMessage(), e);
    }
  }

  private static String req(Map<String, String> m, String k) {
    String v = m.get(k);
    if (v == null) throw new IllegalArgumentException("provenance lacks '" + k + "'");
    return v;
  }
}
