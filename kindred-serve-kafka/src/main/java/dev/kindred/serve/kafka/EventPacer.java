package dev.kindred.serve.kafka;

/**
 * Holds the consumer to at most {@code ratePerSecond} events a second on average: after each batch
 * of {@code n} events the next poll is due {@code n / rate} seconds after the previous batch's due
 * time (a virtual schedule, so that a slow batch is made up by the next ones rather than lost), and
 * the schedule never lags the clock by more than {@link #BURST_MILLIS}, so an idle stream does not
 * bank credit for a later burst. With no cap every batch is due at once.
 *
 * <p>Why a cap and not a thread priority: Linux ignores Java thread priorities unless the JVM runs
 * with {@code -XX:ThreadPriorityPolicy=1} as root, so the only portable way to leave the request
 * threads their CPU is to do less work per second on the consumer thread.
 *
 * <p>Not thread-safe: the consumer thread owns it.
 */
final class EventPacer {

  /** A capped consumer asks for at most this many milliseconds of its cap per poll. */
  static final long BATCH_MILLIS = 50;
  /** Most credit the schedule keeps when the stream runs below the cap. */
  static final long BURST_MILLIS = 100;

  private final double nanosPerEvent; // 0: no cap
  private long dueNanos;
  private boolean started;

  /** @param ratePerSecond most events a second; 0 for no cap */
  EventPacer(long ratePerSecond) {
    if (ratePerSecond < 0) throw new IllegalArgumentException("rate must be >= 0 (0: no cap), got " + ratePerSecond);
    this.nanosPerEvent = ratePerSecond == 0 ? 0 : 1e9 / ratePerSecond;
  }

  /**
   * Records that {@code events} were taken at {@code nowNanos}; returns how long to wait, in
   * nanoseconds, before the next poll (0: at once).
   */
  long taken(int events, long nowNanos) {
    if (nanosPerEvent == 0) return 0;
    if (!started || dueNanos < nowNanos - BURST_MILLIS * 1_000_000L) {
      dueNanos = started ? nowNanos - BURST_MILLIS * 1_000_000L : nowNanos;
      started = true;
    }
    dueNanos += (long) (events * nanosPerEvent);
    return Math.max(0, dueNanos - nowNanos);
  }
}
