package dev.kindred.bench.serve;

import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * Open-loop HTTP load against {@code kindred serve}: requests are due on a fixed schedule
 * ({@code start + n / rate}) decided before the run, whatever the server does, and each latency is
 * measured from the request's <em>intended</em> send time, so a stalled server is charged for every
 * request it delayed (no coordinated omission; the method of Gil Tene's wrk2). Service time (from
 * the actual send) and send lag (actual minus intended send) are reported beside it: a growing lag
 * means the senders, not the server, fell behind.
 *
 * <p>Lean by design, since the generator shares the machine with the server: no scheduler thread
 * and no queue. {@code --threads} blocking senders take the next sequence number from one atomic
 * counter, park until its due time and send it on the sender's own keep-alive HTTP/1.1 connection
 * ({@link RawHttpConnection}; {@code --transport jdk} uses {@link KindredClient} instead). The
 * generator's own CPU time per request is reported; run it against
 * {@code --endpoint healthz} to see the cost of the generator and the HTTP stack alone.
 *
 * <p>Modes: {@code load} (this), {@code reflect} ({@link ReflectionProbe}: how soon an event shows
 * in its user's recommendations). Flags: see {@link LoadOptions}. Prints text, or one JSON object
 * with {@code --json}.
 */
public final class LoadGenerator {

  /** What one sender thread saw over the measured window. */
  private static final class Sender implements Runnable {
    final Histogram latency = Latencies.histogram();
    final Histogram service = Latencies.histogram();
    final Histogram lag = Latencies.histogram();
    final Histogram eventLatency = Latencies.histogram();
    final Map<String, Long> statuses = new TreeMap<>();
    long lastDone;
    long measured;
    private final LoadOptions o;
    private final KindredClient client;
    private final RawHttpConnection connection; // null with --transport jdk
    private final Workload work;
    private final SplittableRandom rng;
    private final AtomicLong next;
    private final long start;
    private final long warmupRequests;
    private final long totalRequests;

    Sender(LoadOptions o, KindredClient client, Workload work, SplittableRandom rng, AtomicLong next, long start,
        long warmupRequests, long totalRequests) {
      this.o = o;
      this.client = client;
      this.connection = o.transport().equals("socket") ? new RawHttpConnection(o.url(), 30_000) : null;
      this.work = work;
      this.rng = rng;
      this.next = next;
      this.start = start;
      this.warmupRequests = warmupRequests;
      this.totalRequests = totalRequests;
    }

    @Override
    public void run() {
      double nanosPerRequest = 1e9 / o.rate();
      for (long n = next.getAndIncrement(); n < totalRequests; n = next.getAndIncrement()) {
        long intended = start + (long) (n * nanosPerRequest);
        for (long wait = intended - System.nanoTime(); wait > 0; wait = intended - System.nanoTime()) {
          LockSupport.parkNanos(wait);
        }
        boolean event = o.eventFraction() > 0 && rng.nextDouble() < o.eventFraction();
        long sent = System.nanoTime();
        String status;
        try {
          status = Integer.toString(send(event));
        } catch (IOException | RuntimeException e) {
          status = "io:" + e.getClass().getSimpleName();
        }
        long done = System.nanoTime();
        if (n < warmupRequests) continue;
        measured++;
        lastDone = Math.max(lastDone, done);
        Latencies.record(event ? eventLatency : latency, done - intended);
        if (!event) Latencies.record(service, done - sent);
        Latencies.record(lag, sent - intended);
        statuses.merge(status, 1L, Long::sum);
      }
      if (connection != null) connection.close();
    }

    /** Sends one request; returns the HTTP status. */
    private int send(boolean event) throws IOException {
      if (connection == null) {
        if (event) return client.events(List.of(new KindredClient.Event(work.user(rng), work.item(rng), 1f))).status();
        if (o.endpoint().equals("healthz")) return client.healthz().status();
        if (o.endpoint().equals("recommend")) return client.recommend(work.user(rng), o.k()).status();
      }
      if (connection == null) {
        return client.get("/v1/users/" + KindredClient.encode(work.user(rng)) + "/recommendations?k=" + o.k()
            + "&explain=true").status();
      }
      if (event) {
        byte[] body = KindredClient.JSON.writeValueAsBytes(Map.of("user", work.user(rng), "item", work.item(rng)));
        return connection.post("/v1/events", body);
      }
      if (o.endpoint().equals("healthz")) return connection.get("/healthz");
      return connection.get("/v1/users/" + KindredClient.encode(work.user(rng)) + "/recommendations?k=" + o.k()
          + (o.endpoint().equals("recommend-explain") ? "&explain=true" : ""));
    }
  }

  private LoadGenerator() {}

  public static void main(String[] args) throws Exception {
    LoadOptions o;
    try {
      o = LoadOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("load-generator: " + e.getMessage());
      System.exit(2);
      return;
    }
    Workload work = o.usersFile() == null ? Workload.none() : Workload.read(o.usersFile(), o.zipfExponent(), o.seed());
    Map<String, Object> result;
    try (KindredClient client = new KindredClient(o.url(), Duration.ofSeconds(30))) {
      KindredClient.Reply ready = client.readyz();
      if (!ready.ok()) throw new IllegalStateException("server at " + o.url() + " is not ready: " + ready);
      result = o.mode().equals("reflect") ? ReflectionProbe.run(client, work, o) : load(client, work, o);
    }
    print(result, o.json());
  }

  /** Runs the open-loop load and summarises it. */
  static Map<String, Object> load(KindredClient client, Workload work, LoadOptions o) throws InterruptedException {
    long warmupRequests = Math.round(o.warmupSeconds() * o.rate());
    long totalRequests = warmupRequests + Math.round(o.durationSeconds() * o.rate());
    var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long start = System.nanoTime() + 20_000_000L; // every sender is parked before the first due time
    AtomicLong next = new AtomicLong();
    SplittableRandom root = new SplittableRandom(o.seed());
    List<Sender> senders = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < o.threads(); t++) {
      Sender s = new Sender(o, client, work, root.split(), next, start, warmupRequests, totalRequests);
      senders.add(s);
      threads.add(Thread.ofPlatform().name("load-sender-" + t).start(s));
    }
    // The generator's CPU is counted over the measured window only (not JVM start-up and JIT warm-up).
    long measureStart = start + (long) (warmupRequests * 1e9 / o.rate());
    for (long wait = measureStart - System.nanoTime(); wait > 0; wait = measureStart - System.nanoTime()) {
      LockSupport.parkNanos(wait);
    }
    long cpu0 = os.getProcessCpuTime();
    for (Thread t : threads) t.join();
    long cpu = os.getProcessCpuTime() - cpu0;
    Histogram latency = Latencies.histogram();
    Histogram service = Latencies.histogram();
    Histogram lag = Latencies.histogram();
    Histogram eventLatency = Latencies.histogram();
    Map<String, Long> statuses = new TreeMap<>();
    long measured = 0;
    long lastDone = 0;
    for (Sender s : senders) {
      latency.add(s.latency);
      service.add(s.service);
      lag.add(s.lag);
      eventLatency.add(s.eventLatency);
      s.statuses.forEach((k, v) -> statuses.merge(k, v, Long::sum));
      measured += s.measured;
      lastDone = Math.max(lastDone, s.lastDone);
    }
    double window = (lastDone - measureStart) / 1e9;
    long errors = statuses.entrySet().stream().filter(e -> !e.getKey().startsWith("2")).mapToLong(Map.Entry::getValue).sum();
    Map<String, Object> m = new java.util.LinkedHashMap<>();
    m.put("mode", "load");
    m.put("url", o.url().toString());
    m.put("endpoint", o.endpoint());
    m.put("k", o.k());
    m.put("users", work.numUsers());
    m.put("user_distribution", o.zipfExponent() == 0 ? "uniform" : "zipf(" + o.zipfExponent() + ")");
    m.put("event_fraction", o.eventFraction());
    m.put("threads", o.threads());
    m.put("transport", o.transport());
    m.put("target_rate", o.rate());
    m.put("warmup_seconds", o.warmupSeconds());
    m.put("duration_seconds", o.durationSeconds());
    m.put("requests", measured);
    m.put("achieved_rate", window > 0 ? Math.round(measured / window * 10) / 10.0 : 0);
    m.put("errors", errors);
    m.put("statuses", statuses);
    m.put("latency", Latencies.summary(latency));
    m.put("service_time", Latencies.summary(service));
    if (eventLatency.getTotalCount() > 0) m.put("event_latency", Latencies.summary(eventLatency));
    m.put("send_lag", Latencies.summary(lag));
    m.put("generator_cpu_us_per_request", Math.round(cpu / 1000.0 / Math.max(1, measured) * 10) / 10.0);
    m.put("text", List.of(
        String.format("load: %s %s, k %d, %d users %s, events %.0f%%, %d senders (%s transport)", o.url(), o.endpoint(),
            o.k(), work.numUsers(), m.get("user_distribution"), 100 * o.eventFraction(), o.threads(), o.transport()),
        String.format("rate: target %.0f/s, achieved %.1f/s over %.1f s after %.1f s warm-up; %d requests, %d errors %s",
            o.rate(), (double) m.get("achieved_rate"), window, o.warmupSeconds(), measured, errors, statuses),
        "latency (from intended send): " + Latencies.line(latency),
        "service time (from actual send): " + Latencies.line(service),
        eventLatency.getTotalCount() > 0 ? "event latency (from intended send): " + Latencies.line(eventLatency) : "",
        "send lag (generator behind schedule): " + Latencies.line(lag),
        String.format("generator CPU: %.1f us per request", (double) m.get("generator_cpu_us_per_request"))));
    return m;
  }

  /** Prints the {@code text} lines, or the rest as one JSON object. */
  static void print(Map<String, Object> result, boolean json) throws JsonProcessingException {
    @SuppressWarnings("unchecked")
    List<String> text = (List<String>) result.remove("text");
    if (json) {
      System.out.println(KindredClient.JSON.writeValueAsString(result));
    } else {
      text.stream().filter(s -> !s.isEmpty()).forEach(System.out::println);
    }
  }
}
