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
 */
public record ServeConfig(String host, int port, int maxK, int maxBatch, int maxBodyBytes, float maxEventValue,
    int readTimeoutMillis) {

  private static final float DEFAULT_MAX_EVENT_VALUE = 1e6f;
  private static final int DEFAULT_READ_TIMEOUT_MILLIS = 10_000;

  public static final ServeConfig DEFAULTS = new ServeConfig("127.0.0.1", 8080, 1000, 1000, 1 << 20,
      DEFAULT_MAX_EVENT_VALUE, DEFAULT_READ_TIMEOUT_MILLIS);

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
  }

  /** The settings above with the default event value bound and read timeout ({@link #DEFAULTS}). */
  public ServeConfig(String host, int port, int maxK, int maxBatch, int maxBodyBytes) {
    this(host, port, maxK, maxBatch, maxBodyBytes, DEFAULT_MAX_EVENT_VALUE, DEFAULT_READ_TIMEOUT_MILLIS);
  }

  public ServeConfig withHost(String v) {
    return new ServeConfig(v, port, maxK, maxBatch, maxBodyBytes, maxEventValue, readTimeoutMillis);
  }

  public ServeConfig withPort(int v) {
    return new ServeConfig(host, v, maxK, maxBatch, maxBodyBytes, maxEventValue, readTimeoutMillis);
  }

  public ServeConfig withReadTimeoutMillis(int v) {
    return new ServeConfig(host, port, maxK, maxBatch, maxBodyBytes, maxEventValue, v);
  }

  public ServeConfig withMaxEventValue(float v) {
    return new ServeConfig(host, port, maxK, maxBatch, maxBodyBytes, v, readTimeoutMillis);
  }

  /** Whether an event value is finite and within {@code [-maxEventValue, maxEventValue]}. */
  public boolean acceptsValue(float v) {
    return Float.isFinite(v) && Math.abs(v) <= maxEventValue;
  }
}
