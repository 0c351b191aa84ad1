package dev.kindred.core;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Where a model came from: the algorithm and its full configuration, the training data's
 * fingerprint and size, the seed and thread count (same seed + threads => same model), the Kindred
 * version, and how long training took.
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
 */
public record Provenance(String algorithm, Map<String, String> config, long dataFingerprint, long seed,
    int threads, int users, int items, int interactions, double trainSeconds, long createdAtMillis,
    String kindredVersion) {

  public Provenance {
    Objects.requireNonNull(algorithm, "algorithm");
    config = Map.copyOf(new LinkedHashMap<>(config));
    Objects.requireNonNull(kindredVersion, "kindredVersion");
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
      return new Provenance(req(m, "algorithm"), config, Long.parseUnsignedLong(req(m, "dataFingerprint"), 16),
          Long.parseLong(req(m, "seed")), Integer.parseInt(req(m, "threads")), Integer.parseInt(req(m, "users")),
          Integer.parseInt(req(m, "items")), Integer.parseInt(req(m, "interactions")),
          Double.parseDouble(req(m, "trainSeconds")), Long.parseLong(req(m, "createdAtMillis")),
          req(m, "kindredVersion"));
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
