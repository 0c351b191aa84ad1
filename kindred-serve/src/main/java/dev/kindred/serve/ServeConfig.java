package dev.kindred.serve;

/**
 * Server settings, validated here; the CLI turns flags into this record.
 *
 * @param host interface to bind (127.0.0.1 unless told otherwise)
 * @param port TCP port; 0 picks a free one
 * @param maxK largest list length a request may ask for
 * @param maxBatch most users in one batch request
 * @param maxBodyBytes largest request body accepted (larger gets 413)
 */
public record ServeConfig(String host, int port, int maxK, int maxBatch, int maxBodyBytes) {

  public static final ServeConfig DEFAULTS = new ServeConfig("127.0.0.1", 8080, 1000, 1000, 1 << 20);

  public ServeConfig {
    if (host == null || host.isBlank()) throw new IllegalArgumentException("host must be set");
    if (port < 0 || port > 65535) throw new IllegalArgumentException("port must be in [0, 65535], got " + port);
    if (maxK < 1) throw new IllegalArgumentException("maxK must be >= 1, got " + maxK);
    if (maxBatch < 1) throw new IllegalArgumentException("maxBatch must be >= 1, got " + maxBatch);
    if (maxBodyBytes < 1) throw new IllegalArgumentException("maxBodyBytes must be >= 1, got " + maxBodyBytes);
  }

  public ServeConfig withHost(String v) {
    return new ServeConfig(v, port, maxK, maxBatch, maxBodyBytes);
  }

  public ServeConfig withPort(int v) {
    return new ServeConfig(host, v, maxK, maxBatch, maxBodyBytes);
  }
}
