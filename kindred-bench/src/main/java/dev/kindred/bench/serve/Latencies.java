package dev.kindred.bench.serve;

import java.util.LinkedHashMap;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * Latency histograms in microseconds (HdrHistogram, 3 significant digits, up to one hour) and
 * their summary in milliseconds: count, mean, p50, p90, p99, p99.9, max.
 */
final class Latencies {

  private static final long HIGHEST_MICROS = 3_600_000_000L;

  private Latencies() {}

  /** A fresh histogram; one per thread (HdrHistogram's {@link Histogram} is not thread-safe). */
  static Histogram histogram() {
    return new Histogram(HIGHEST_MICROS, 3);
  }

  /** Records a duration in nanoseconds, clamped to the histogram's range. */
  static void record(Histogram h, long nanos) {
    h.recordValue(Math.min(HIGHEST_MICROS, Math.max(0, nanos / 1000)));
  }

  /** count, mean_ms, p50_ms, p90_ms, p99_ms, p99.9_ms, max_ms. */
  static Map<String, Object> summary(Histogram h) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("count", h.getTotalCount());
    m.put("mean_ms", round(h.getMean() / 1000));
    m.put("p50_ms", ms(h.getValueAtPercentile(50)));
    m.put("p90_ms", ms(h.getValueAtPercentile(90)));
    m.put("p99_ms", ms(h.getValueAtPercentile(99)));
    m.put("p99.9_ms", ms(h.getValueAtPercentile(99.9)));
    m.put("max_ms", ms(h.getMaxValue()));
    return m;
  }

  /** One line: {@code p50 1.234  p90 ...  max ... ms (n = ...)}. */
  static String line(Histogram h) {
    if (h.getTotalCount() == 0) return "no samples";
    return String.format("p50 %.3f  p90 %.3f  p99 %.3f  p99.9 %.3f  max %.3f  mean %.3f ms  (n = %d)",
        h.getValueAtPercentile(50) / 1000.0, h.getValueAtPercentile(90) / 1000.0, h.getValueAtPercentile(99) / 1000.0,
        h.getValueAtPercentile(99.9) / 1000.0, h.getMaxValue() / 1000.0, h.getMean() / 1000.0, h.getTotalCount());
  }

  private static double ms(long micros) {
    return round(micros / 1000.0);
  }

  private static double round(double ms) {
    return Math.round(ms * 1000.0) / 1000.0;
  }
}
