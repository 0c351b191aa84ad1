package dev.kindred.serve;

import java.nio.file.Path;

/**
 * How the server protects itself and is operated, validated here; the CLI turns flags into this
 * record. Kept apart from {@link ServeConfig} (what one request may ask for).
 *
 * @param maxInFlight most recommendation requests ({@code /v1/...} other than admin) worked on at
 *     once; more wait
 * @param maxQueued most requests waiting for a slot; one more is answered 503 at once
 * @param queueTimeoutMillis longest wait for a slot before a 503; 0 sheds at once when all slots are busy
 * @param adminToken bearer token for {@code /v1/admin/...}; null disables the admin endpoints
 * @param watchModel a model file to watch and swap in when it changes; null watches nothing
 * @param watchIntervalMillis how often the watched file's modification time and size are polled
 */
public record OperationsConfig(int maxInFlight, int maxQueued, long queueTimeoutMillis, String adminToken,
    Path watchModel, long watchIntervalMillis) {

  public static final OperationsConfig DEFAULTS = new OperationsConfig(64, 1024, 50, null, null, 1000);

  public OperationsConfig {
    if (maxInFlight < 1) throw new IllegalArgumentException("maxInFlight must be >= 1, got " + maxInFlight);
    if (maxQueued < 0) throw new IllegalArgumentException("maxQueued must be >= 0, got " + maxQueued);
    if (queueTimeoutMillis < 0) {
      throw new IllegalArgumentException("queueTimeoutMillis must be >= 0, got " + queueTimeoutMillis);
    }
    if (adminToken != null && adminToken.isBlank()) {
      throw new IllegalArgumentException("adminToken must not be blank (leave it unset to disable admin endpoints)");
    }
    if (adminToken != null && adminToken.length() < 16) {
      throw new IllegalArgumentException("adminToken must have at least 16 characters, got " + adminToken.length());
    }
    if (watchIntervalMillis < 10) {
      throw new IllegalArgumentException("watchIntervalMillis must be >= 10, got " + watchIntervalMillis);
    }
  }

  public OperationsConfig withAdmission(int inFlight, int queued, long timeoutMillis) {
    return new OperationsConfig(inFlight, queued, timeoutMillis, adminToken, watchModel, watchIntervalMillis);
  }

  public OperationsConfig withAdminToken(String token) {
    return new OperationsConfig(maxInFlight, maxQueued, queueTimeoutMillis, token, watchModel, watchIntervalMillis);
  }

  public OperationsConfig withWatch(Path file, long intervalMillis) {
    return new OperationsConfig(maxInFlight, maxQueued, queueTimeoutMillis, adminToken, file, intervalMillis);
  }
}
