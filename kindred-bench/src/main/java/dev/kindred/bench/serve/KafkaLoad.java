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
 * <pre>
 *   KafkaLoad --phase produce --bootstrap HOST:PORT --topic T --users-file F [--events 1000000]
 *             [--format json|csv] [--zipf 1.0] [--seed 7]
 *   KafkaLoad --phase watch --url http://127.0.0.1:PORT [--events 1000000] [--timeout 600]
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
    } else {
      throw new IllegalArgumentException("--phase must be produce or watch, got '" + phase + "'");
    }
  }

  private static String required(Map<String, String> m, String flag) {
    String v = m.get(flag);
    if (v == null) throw new IllegalArgumentException("--" + flag + " is required");
    return v;
  }

  private static void produce(Map<String, String> m, long events) throws Exception {
    boolean json = m.getOrDefault("format", "json").equals("json");
    String topic = required(m, "topic");
    Workload work = Workload.read(Path.of(required(m, "users-file")),
        Double.parseDouble(m.getOrDefault("zipf", "1.0")), 7);
    SplittableRandom rng = new SplittableRandom(Long.parseLong(m.getOrDefault("seed", "7")));
    long t0 = System.nanoTime();
    Map<String, Object> props = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, required(m, "bootstrap"),
        ProducerConfig.LINGER_MS_CONFIG, 10, ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024,
        ProducerConfig.ACKS_CONFIG, "all");
    try (KafkaProducer<byte[], byte[]> p = new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
      long ts = System.currentTimeMillis();
      for (long n = 0; n < events; n++) {
        String user = work.user(rng);
        String item = work.item(rng);
        String value = json ? "{\"user\":\"" + user + "\",\"item\":\"" + item + "\",\"value\":1,\"ts\":" + ts
            + ",\"id\":\"e" + n + "\"}" : user + "," + item + ",1," + ts + ",e" + n;
        p.send(new ProducerRecord<>(topic, user.getBytes(StandardCharsets.UTF_8), value.getBytes(StandardCharsets.UTF_8)));
      }
      p.flush();
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    System.out.printf("produced %d %s events in %.2f s (%.0f events/s)%n", events, json ? "JSON" : "CSV", seconds,
        events / seconds);
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
