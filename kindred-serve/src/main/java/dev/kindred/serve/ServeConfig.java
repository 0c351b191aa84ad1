package dev.kindred.serve;

/**
 * Server settings, validated here; the CLI turns flags into this record.
 *
 * @param host interface to bind (127.0.0.1 unless told otherwise)
 * @param port TCP port; 0 picks a free one
 * @param maxK largest list length a request may ask for
 * @param maxBatch most users in one batch request
 * @param maxBodyBytes largest request body accepted (larger gets 413, counted while the body is read)
 * @param maxEventValue largest {@code |value|} an event may carry (larger gets 400): a value far
 *     outside what the model was trained on dominates the user's folded-in vector for good
 * @param readTimeoutMillis longest silence while a request (header or body) is being read, and on
 *     an idle kept-alive connection, before the server drops the connection
 * @param maxEventsPerUser most events since the model's cut-off held in memory per user for fold-in
 *     (the last ones; older ones stay in the event log for the next training): default 500, which
 *     keeps one user's fold-in well under a millisecond at 64 factors
 * @param maxEventsTotal most events held in memory over all users (the least recently active users'
 *     are dropped first): default 10,000,000, about 100 MB of heap
 */
public record ServeConfig(String host, int port, int maxK, int maxBatch, int maxBodyBytes, float maxEventValue,
    int readTimeoutMillis, int maxEventsPerUser, long maxEventsTotal) {

  private static final float DEFAULT_MAX_EVENT_VALUE = 1e6f;
  private static final int DEFAULT_READ_TIMEOUT_MILLIS = 10_000;
  private static final int DEFAULT_MAX_EVENTS_PER_USER = 500;
  private static final long DEFAULT_MAX_EVENTS_TOTAL = 10_000_000L;

  public static final ServeConfig DEFAULTS = new ServeConfig("127.0.0.1", 8080, 1000, 1000, 1 << 20,
      DEFAULT_MAX_EVENT_VALUE, DEFAULT_READ_TIMEOUT_MILLIS, DEFAULT_MAX_EVENTS_PER_USER, DEFAULT_MAX_EVENTS_TOTAL);

  public ServeConfig {
    if (host == null || host.isBlank()) throw new IllegalArgumentException("host must be set");
    if (port < 0 || port > 65535) throw new IllegalArgumentException("port must be in [0, 65535], got " + port);
    if (maxK < 1) throw new IllegalArgumentException("maxK must be >= 1, got " + maxK);
    if (maxBatch < 1) throw new IllegalArgumentException("maxBatch must be >= 1, got " + maxBatch);
    if (maxBodyBytes < 1) throw new IllegalArgumentException("maxBodyBytes must be >= 1, got " + maxBodyBytes);
    if (!(maxEventValue > 0) || !Float.isFinite(maxEventValue)) {
      throw new IllegalArgumentException("maxEventValue must be positive and finite, got " + maxEventValue);
    }
    if (readTimeoutMillis < 1) throw new IllegalArgumentException("readTimeoutMillis must be >= 1, got " + readTimeoutMillis);
    if (maxEventsPerUser < 1) throw new IllegalArgumentException("maxEventsPerUser must be >= 1, got " + maxEventsPerUser);
    if (maxEventsTotal < maxEventsPerUser) {
      throw new IllegalArgumentException("maxEventsTotal must be >= maxEventsPerUser (" + maxEventsPerUser + "), got "
          + maxEventsTotal);
    }
  }

  /** The settings above with the default event memory bounds ({@link #DEFAULTS}). */
  public ServeConfig(String host, int port, int maxK, int maxBatch, int maxBodyBytes, float maxEventValue,
      int readTimeoutMillis) {
    this(host, port, maxK, maxBatch, maxBodyBytes, maxEventValue, readTimeoutMillis, DEFAULT_MAX_EVENTS_PER_USER,
        DEFAULT_MAX_EVENTS_TOTAL);
  }

  /** The settings above with the default event value bound and read timeout ({@link #DEFAULTS}). */
  public ServeConfig(String host, int port, int maxK, int maxBatch, int maxBodyBytes) {
    this(host, port, maxK, maxBatch, maxBodyBytes, DEFAULT_MAX_EVENT_VALUE, DEFAULT_READ_TIMEOUT_MILLIS);
  }

  public ServeConfig withHost(String v) {
    return new ServeConfig(v, port, maxK, maxBatch, maxBodyBytes, maxEventValue, readTimeoutMillis, maxEventsPerUser,
        maxEventsTotal);
  }

  public ServeConfig withPort(int v) {
    return new ServeConfig(host, v, maxK, maxBatch, maxBodyBytes, maxEventValue, readTimeoutMillis, maxEventsPerUser,
        maxEventsTotal);
  }

  public ServeConfig withReadTimeoutMillis(int v) {
    return new ServeConfig(host, port, maxK, maxBatch, maxBodyBytes, maxEventValue, v, maxEventsPerUser,
        maxEventsTotal);
  }

  public ServeConfig withMaxEventValue(float v) {
    return new ServeConfig(host, port, maxK, maxBatch, maxBodyBytes, v, readTimeoutMillis, maxEventsPerUser,
        maxEventsTotal);
  }

  /** These settings holding at most {@code perUser} events per user and {@code total} in all in memory. */
  public ServeConfig withEventMemory(int perUser, long total) {
    return new ServeConfig(host, port, maxK, maxBatch, maxBodyBytes, maxEventValue, readTimeoutMillis, perUser, total);
  }

  /** Whether an event value is finite and within {@code [-maxEventValue, maxEventValue]}. */
  public boolean acceptsValue(float v) {
    return Float.isFinite(v) && Math.abs(v) <= maxEventValue;
  }
}
