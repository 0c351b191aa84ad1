package dev.kindred.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kindred.core.IdIndex;
import dev.kindred.core.ModelFile;
import dev.kindred.serve.EventLog;
import dev.kindred.kafka.testkit.KafkaBroker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kindred serve --events-from kafka} against a real single-node KRaft broker and a real
 * SIGKILL: the server runs as a separate JVM consuming a two-partition topic while a producer
 * streams events with unique ids; it is killed with {@link Process#destroyForcibly()} mid-stream and
 * restarted on the same event log and consumer group. Afterwards every produced event must be in
 * the log exactly once: none lost (offsets are committed only after the log write) and none twice
 * (the log's positions make re-delivered records a no-op).
 */
class KafkaServeCrashTest {

  private static final int EVENTS = 4000;
  private static final String TOPIC = "clicks";

  @TempDir
  static Path dir;

  static Path model;
  static KafkaBroker broker;
  static List<String> items;

  private final List<Process> started = new ArrayList<>();

  @BeforeAll
  static void setUp() throws Exception {
    model = ServerProcess.trainSmallModel(dir);
    IdIndex index = ModelFile.read(model).itemIndex();
    items = new ArrayList<>();
    for (int i = 0; i < index.size(); i++) items.add(index.externalId(i));
    broker = KafkaBroker.start();
    broker.createTopic(TOPIC, 2);
  }

  @AfterAll
  static void tearDown() throws Exception {
    if (broker != null) broker.close();
  }

  @AfterEach
  void killLeftovers() {
    for (Process p : started) p.destroyForcibly();
  }

  private ServerProcess serve(Path log) throws Exception {
    return ServerProcess.start(started, model, "--events", log.toString(), "--fsync", "always",
        "--events-from", "kafka", "--kafka-bootstrap", broker.bootstrap(), "--kafka-topic", TOPIC,
        "--kafka-group", "crash-test");
  }

  /** The number of complete lines in the log (events logged so far). */
  private static long lines(Path log) throws Exception {
    if (!Files.exists(log)) return 0;
    long n = 0;
    for (byte b : Files.readAllBytes(log)) if (b == '\n') n++;
    return n;
  }

  @Test
  void everyProducedEventIsLoggedExactlyOnceAcrossASigkill() throws Exception {
    Path log = dir.resolve("events.log");
    ServerProcess first = serve(log);

    // Produce in small paced chunks, so the kill lands while events are still arriving.
    CompletableFuture<Void> producing = CompletableFuture.runAsync(() -> {
      try (KafkaProducer<byte[], byte[]> p = broker.producer()) {
        for (int n = 0; n < EVENTS; n++) {
          String user = "k" + (n % 97);
          String value = "{\"user\":\"" + user + "\",\"item\":\"" + items.get(n * 31 % items.size())
              + "\",\"id\":\"e" + n + "\"}";
          p.send(new ProducerRecord<>(TOPIC, user.getBytes(StandardCharsets.UTF_8),
              value.getBytes(StandardCharsets.UTF_8)));
          if (n % 100 == 99) {
            p.flush();
            Thread.sleep(20);
          }
        }
        p.flush();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException(e);
      }
    });
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (lines(log) < EVENTS / 4 && System.nanoTime() < deadline) Thread.sleep(5);
    first.process().destroyForcibly(); // SIGKILL: no shutdown hook, no offset commit on the way out
    assertThat(first.process().waitFor(10, TimeUnit.SECONDS)).isTrue();
    long atKill = lines(log);
    assertThat(atKill).as("events logged before the kill").isBetween(1L, (long) EVENTS - 1);

    ServerProcess second = serve(log);
    producing.get(60, TimeUnit.SECONDS);
    deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (lines(log) < EVENTS && System.nanoTime() < deadline) Thread.sleep(20);
    Thread.sleep(500); // a duplicate, if the restart re-applied anything, would land by now

    Map<String, Integer> perEvent = new HashMap<>();
    for (EventLog.Event e : EventLog.replay(log)) {
      String id = e.id();
      assertThat(id).as("logged event id").startsWith("kafka/" + TOPIC + "/");
      perEvent.merge(id.substring(id.lastIndexOf('/') + 1), 1, Integer::sum);
    }
    List<String> missing = new ArrayList<>();
    for (int n = 0; n < EVENTS; n++) if (!perEvent.containsKey("e" + n)) missing.add("e" + n);
    assertThat(missing).as("produced events missing from the log (%d logged before the kill)", atKill).isEmpty();
    assertThat(perEvent).as("events logged more than once").allSatisfy((id, count) -> assertThat(count).as(id).isOne());
    assertThat(perEvent).hasSize(EVENTS);

    String metrics = second.get("/metrics").body();
    assertThat(metrics).contains("kindred_kafka_consumer_lag{topic=\"clicks\"}",
        "kindred_kafka_dead_letters_total{topic=\"clicks\"} 0.0");
    second.process().destroyForcibly();
  }
}
