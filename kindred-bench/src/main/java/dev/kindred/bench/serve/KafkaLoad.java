package dev.kindred.bench.serve;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Fold-in throughput of {@code kindred serve --events-from kafka}, in two phases so that the
 * producer does not compete with the server for the CPU while the server is measured:
 * {@code --phase produce} writes {@code --events} events (users drawn Zipf and items uniformly from
 * {@code --users-file}, key = user, JSON or CSV values, each with an id) to {@code --topic} as fast
 * as the producer goes; {@code --phase watch} samples the server's
 * {@code kindred_kafka_events_consumed_total} and {@code kindred_kafka_consumer_lag} at
 * {@code /metrics} every 100 ms until {@code --events} events are consumed, and reports the
 * consumption rate (overall, and between 10% and 90% of the events, which leaves out the start-up
 * and the tail) and the highest lag seen. Run the watch beside {@link LoadGenerator} to see the
 * recommendation latency meanwhile ({@code kindred-bench/scripts/kafka-load.sh}).
 *
 * <p>{@code --phase paced} is the steady-state measurement of issue 15: it produces at
 * {@code --rate} events/s over {@code --warmup} plus {@code --duration} seconds (the events of each
 * millisecond sent when it is due, so the stream is even, not bursty), while the server consumes
 * them; it reads the server's consumed counter when the measured window opens and closes, and
 * reports the events folded in per second over the window and the consumer lag at its end, as text
 * and, with {@code --json-out FILE}, as one JSON object. {@code --phase summary} joins that file
 * and {@link LoadGenerator}'s {@code --json} output of the same window into one line against the
 * targets.
 *
 * <pre>
 *   KafkaLoad --phase produce --bootstrap HOST:PORT --topic T --users-file F [--events 1000000]
 *             [--format json|csv] [--zipf 1.0] [--seed 7]
 *   KafkaLoad --phase watch --url http://127.0.0.1:PORT [--events 1000000] [--timeout 600]
 *   KafkaLoad --phase paced --bootstrap HOST:PORT --topic T --users-file F --url http://127.0.0.1:PORT
 *             [--rate 20000] [--duration 60] [--warmup 10] [--json-out FILE] [--format json|csv]
 *   KafkaLoad --phase summary --paced FILE --load FILE [--target-rate 20000] [--target-p99-ms 5]
 * </pre>
 */
public final class KafkaLoad {

  private record Sample(long nanos, double consumed, double lag) {}

  private KafkaLoad() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> m = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      if (!args[i].startsWith("--")) throw new IllegalArgumentException("expected --flag value, got '" + args[i] + "'");
      m.put(args[i].substring(2), args[i + 1]);
    }
    long events = Long.parseLong(m.getOrDefault("events", "1000000"));
    String phase = m.getOrDefault("phase", "");
    if (phase.equals("produce")) {
      produce(m, events);
    } else if (phase.equals("watch")) {
      watch(m, events);
    } else if (phase.equals("paced")) {
      paced(m);
    } else if (phase.equals("summary")) {
      summary(m);
    } else {
      throw new IllegalArgumentException("--phase must be produce, watch, paced or summary, got '" + phase + "'");
    }
  }

  private static String required(Map<String, String> m, String flag) {
    String v = m.get(flag);
    if (v == null) throw new IllegalArgumentException("--" + flag + " is required");
    return v;
  }

  /** Events drawn from a users file (users Zipf, items uniform), sent to one topic as JSON or CSV values. */
  private static final class EventStream implements AutoCloseable {
    final boolean json;
    private final String topic;
    private final Workload work;
    private final SplittableRandom rng;
    private final KafkaProducer<byte[], byte[]> producer;
    private final long ts = System.currentTimeMillis();
    private long sent;

    EventStream(Map<String, String> m) throws java.io.IOException {
      json = m.getOrDefault("format", "json").equals("json");
      topic = required(m, "topic");
      work = Workload.read(Path.of(required(m, "users-file")), Double.parseDouble(m.getOrDefault("zipf", "1.0")), 7);
      rng = new SplittableRandom(Long.parseLong(m.getOrDefault("seed", "7")));
      Map<String, Object> props = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, required(m, "bootstrap"),
          ProducerConfig.LINGER_MS_CONFIG, 10, ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024,
          ProducerConfig.ACKS_CONFIG, "all");
      producer = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
    }

    void send() {
      String user = work.user(rng);
      String item = work.item(rng);
      long n = sent++;
      String value = json ? "{\"user\":\"" + user + "\",\"item\":\"" + item + "\",\"value\":1,\"ts\":" + ts
          + ",\"id\":\"e" + n + "\"}" : user + "," + item + ",1," + ts + ",e" + n;
      producer.send(new ProducerRecord<>(topic, user.getBytes(StandardCharsets.UTF_8),
          value.getBytes(StandardCharsets.UTF_8)));
    }

    long sent() {
      return sent;
    }

    @Override
    public void close() {
      producer.flush();
      producer.close();
    }
  }

  private static void produce(Map<String, String> m, long events) throws Exception {
    long t0 = System.nanoTime();
    boolean json;
    try (EventStream out = new EventStream(m)) {
      json = out.json;
      for (long n = 0; n < events; n++) out.send();
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    System.out.printf("produced %d %s events in %.2f s (%.0f events/s)%n", events, json ? "JSON" : "CSV", seconds,
        events / seconds);
  }

  /**
   * Produces at a steady rate for warm-up plus window, reading the server's counters as the window
   * opens and closes (see the class comment).
   */
  private static void paced(Map<String, String> m) throws Exception {
    double rate = Double.parseDouble(m.getOrDefault("rate", "20000"));
    double warmup = Double.parseDouble(m.getOrDefault("warmup", "10"));
    double duration = Double.parseDouble(m.getOrDefault("duration", "60"));
    if (!(rate > 0) || warmup < 0 || !(duration > 0)) {
      throw new IllegalArgumentException("--rate and --duration must be > 0 and --warmup >= 0");
    }
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    URI metrics = URI.create(required(m, "url") + "/metrics");
    long t0 = System.nanoTime();
    long opens = t0 + (long) (warmup * 1e9);
    long closes = opens + (long) (duration * 1e9);
    Sample atOpen = null;
    Sample atClose;
    long sentAtOpen = 0;
    long sentAtClose;
    try (EventStream out = new EventStream(m)) {
      for (long now = t0; now < closes; now = System.nanoTime()) {
        if (atOpen == null && now >= opens) {
          sentAtOpen = out.sent();
          atOpen = scrapePatiently(http, metrics);
        }
        long due = (long) ((now - t0) / 1e9 * rate);
        while (out.sent() < due) out.send();
        java.util.concurrent.locks.LockSupport.parkNanos(1_000_000L);
      }
      sentAtClose = out.sent();
      atClose = scrapePatiently(http, metrics);
    }
    if (atOpen == null) {
      throw new IllegalStateException("the producer was blocked past the whole window (broker or machine saturated): "
          + "nothing measured");
    }
    double window = (atClose.nanos() - atOpen.nanos()) / 1e9;
    double produced = (sentAtClose - sentAtOpen) / window;
    double folded = (atClose.consumed() - atOpen.consumed()) / window;
    System.out.printf("paced producer: %.0f events/s produced over the %.1f s window (target %.0f); server folded in "
        + "%.0f events/s; consumer lag at the end %.0f records%n", produced, window, rate, folded, atClose.lag());
    String file = m.get("json-out");
    if (file != null) {
      Map<String, Object> r = new java.util.LinkedHashMap<>();
      r.put("target_rate", rate);
      r.put("window_seconds", window);
      r.put("produced_per_second", Math.round(produced));
      r.put("folded_per_second", Math.round(folded));
      r.put("lag_at_end", Math.round(atClose.lag()));
      r.put("consumed_total", Math.round(atClose.consumed()));
      java.nio.file.Files.writeString(Path.of(file), KindredClient.JSON.writeValueAsString(r));
    }
  }

  /** One line: the paced phase's fold-in rate and lag beside the load generator's latency, against the targets. */
  private static void summary(Map<String, String> m) throws Exception {
    var paced = KindredClient.JSON.readTree(Path.of(required(m, "paced")).toFile());
    var load = KindredClient.JSON.readTree(Path.of(required(m, "load")).toFile());
    double targetRate = Double.parseDouble(m.getOrDefault("target-rate", "20000"));
    double targetP99 = Double.parseDouble(m.getOrDefault("target-p99-ms", "5"));
    var lat = load.get("latency");
    double folded = paced.get("folded_per_second").asDouble();
    double p99 = lat.get("p99_ms").asDouble();
    double achieved = load.get("achieved_rate").asDouble();
    double askedRate = load.get("target_rate").asDouble();
    boolean met = folded >= 0.98 * targetRate && p99 < targetP99 && achieved >= 0.98 * askedRate
        && load.get("errors").asLong() == 0;
    System.out.printf("kafka-load summary: %s: folded in %.0f events/s (target >= %.0f; lag at end %d records) while "
        + "answering %.1f req/s (asked %.0f, %d errors): p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms (target p99 < %.0f ms)%n",
        met ? "MET" : "NOT MET", folded, targetRate, paced.get("lag_at_end").asLong(), achieved, askedRate,
        load.get("errors").asLong(), lat.get("p50_ms").asDouble(), p99, lat.get("p99.9_ms").asDouble(), targetP99);
  }

  private static void watch(Map<String, String> m, long events) throws Exception {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    URI metrics = URI.create(required(m, "url") + "/metrics");
    long t0 = System.nanoTime();
    long deadline = t0 + (long) (Double.parseDouble(m.getOrDefault("timeout", "600")) * 1e9);
    List<Sample> samples = new ArrayList<>();
    int failures = 0;
    while (System.nanoTime() < deadline) {
      try {
        Sample s = scrape(http, metrics);
        samples.add(s);
        if (s.consumed() >= events) break;
      } catch (java.io.IOException e) {
        failures++; // a scrape that timed out on a saturated machine: the next one still counts
      }
      Thread.sleep(100);
    }
    if (failures > 0) System.out.printf("(%d metrics scrapes failed or timed out)%n", failures);
    report(samples, 0, events, t0);
  }

  private static void report(List<Sample> samples, double before, long events, long t0) {
    double maxLag = 0;
    Sample first = null;
    Sample p10 = null;
    Sample p90 = null;
    Sample last = null;
    for (Sample s : samples) {
      double done = s.consumed() - before;
      maxLag = Math.max(maxLag, s.lag());
      if (first == null && done > 0) first = s;
      if (p10 == null && done >= 0.1 * events) p10 = s;
      if (p90 == null && done >= 0.9 * events) p90 = s;
      if (last == null && done >= events) last = s;
    }
    if (last == null) {
      double got = samples.isEmpty() ? 0 : samples.get(samples.size() - 1).consumed() - before;
      System.out.printf("NOT all consumed before the timeout: %.0f of %d%n", got, events);
      return;
    }
    System.out.printf("consumed all %d events %.2f s after the watch began; %.0f events/s from the first consumed "
        + "to the last%n", events, (last.nanos() - t0) / 1e9, (last.consumed() - first.consumed()) * 1e9
            / Math.max(1, last.nanos() - first.nanos()));
    System.out.printf("consumption rate between 10%% and 90%% of the events: %.0f events/s%n",
        (p90.consumed() - p10.consumed()) * 1e9 / Math.max(1, p90.nanos() - p10.nanos()));
    System.out.printf("highest consumer lag seen: %.0f records%n", maxLag);
  }

  /** A scrape retried up to five times: on a saturated machine one may time out. */
  private static Sample scrapePatiently(HttpClient http, URI metrics) throws Exception {
    for (int attempt = 1; ; attempt++) {
      try {
        return scrape(http, metrics);
      } catch (java.io.IOException e) {
        if (attempt == 5) throw e;
        System.out.printf("(metrics scrape %d failed: %s; retrying)%n", attempt, e);
      }
    }
  }

  private static Sample scrape(HttpClient http, URI metrics) throws Exception {
    String text = http.send(HttpRequest.newBuilder(metrics).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    double consumed = 0;
    double lag = 0;
    for (String line : text.split("\n")) {
      if (line.startsWith("kindred_kafka_events_consumed_total")) consumed = lastNumber(line);
      if (line.startsWith("kindred_kafka_consumer_lag")) lag = lastNumber(line);
    }
    return new Sample(System.nanoTime(), consumed, lag);
  }

  private static double lastNumber(String line) {
    return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
  }
}
