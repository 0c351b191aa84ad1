package dev.kindred.serve.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kindred.core.FoldInRule;
import dev.kindred.core.IdIndex;
import dev.kindred.core.LatentFactorModel;
import dev.kindred.core.Provenance;
import dev.kindred.math.FactorMatrix;
import dev.kindred.kafka.testkit.KafkaBroker;
import dev.kindred.serve.EventLog;
import dev.kindred.serve.KindredServer;
import dev.kindred.serve.RecommendationService;
import dev.kindred.serve.ServeConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The event source against a real single-node KRaft broker ({@link KafkaBroker}): produced events
 * are logged with their positions and folded in; malformed records land in the dead-letter file and
 * consumption goes on; records already in the log (a crash between the log write and the offset
 * commit) are skipped when re-delivered. Waits are bounded (30 s) and poll the source's counters.
 */
class KafkaEventSourceTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  static KafkaBroker broker;

  @TempDir
  Path dir;

  private final List<AutoCloseable> open = new ArrayList<>();

  @BeforeAll
  static void startBroker() throws Exception {
    broker = KafkaBroker.start();
  }

  @AfterAll
  static void stopBroker() throws Exception {
    if (broker != null) broker.close();
  }

  @AfterEach
  void closeAll() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) open.get(i).close();
  }

  /** 30 users "u0".."u29" x 60 items "i0".."i59", k = 4, ridge fold-in. */
  static LatentFactorModel model() {
    SplittableRandom rng = new SplittableRandom(11);
    FactorMatrix p = new FactorMatrix(30, 4);
    FactorMatrix q = new FactorMatrix(60, 4);
    p.fillGaussian(rng.split(), 0.5f);
    q.fillGaussian(rng.split(), 0.5f);
    IdIndex.Builder users = new IdIndex.Builder();
    IdIndex.Builder items = new IdIndex.Builder();
    for (int u = 0; u < 30; u++) users.add("u" + u);
    for (int i = 0; i < 60; i++) items.add("i" + i);
    Provenance prov = Provenance.builder("ials").seed(11).size(30, 60, 0).kindredVersion("test").build();
    return new LatentFactorModel(prov, users.build(), items.build(), 0f, null, null, p, q, Float.NEGATIVE_INFINITY,
        Float.POSITIVE_INFINITY, new FoldInRule.Ridge(0.1f, true, 10f, false));
  }

  /** A server on an event log, and the Kafka source feeding it. */
  record Served(KindredServer server, KafkaEventSource source, Path log, Path deadLetters) {}

  Served serve(String topic, String group) throws Exception {
    Path logFile = dir.resolve("events.log");
    Path dead = dir.resolve("dead-letters.jsonl");
    ServeConfig config = new ServeConfig("127.0.0.1", 0, 50, 100, 1 << 16);
    EventLog log = EventLog.open(logFile, EventLog.Sync.ALWAYS);
    open.add(log);
    List<EventLog.Event> replay = EventLog.replay(logFile);
    RecommendationService service = new RecommendationService(model(), null, config, log, replay);
    KindredServer server = KindredServer.start(service, config);
    open.add(server);
    KafkaSourceConfig kc = KafkaSourceConfig.DEFAULTS.withBootstrap(broker.bootstrap()).withTopic(topic)
        .withGroup(group).withDeadLetters(dead);
    KafkaEventSource source = KafkaEventSource.start(kc, service, replay, server.meterRegistry(), e -> { });
    open.add(source);
    return new Served(server, source, logFile, dead);
  }

  static void produce(String topic, List<String[]> keyValues) throws Exception {
    try (KafkaProducer<byte[], byte[]> p = broker.producer()) {
      for (String[] kv : keyValues) {
        p.send(new ProducerRecord<>(topic, KafkaBroker.bytes(kv[0]), KafkaBroker.bytes(kv[1])));
      }
      p.flush();
    }
  }

  static void await(String what, BooleanSupplier done) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new AssertionError("timed out after 30 s waiting until " + what);
      Thread.sleep(20);
    }
  }

  static String get(KindredServer s, String path) throws Exception {
    return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + s.port() + path)).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }

  @Test
  void producedEventsAreLoggedWithTheirPositionsAndFoldedIn() throws Exception {
    broker.createTopic("events", 3);
    List<String[]> records = new ArrayList<>();
    for (int n = 0; n < 40; n++) {
      String user = "new" + (n % 8);
      String item = "i" + (n * 7 % 60);
      records.add(n % 2 == 0
          ? new String[] {user, "{\"user\":\"" + user + "\",\"item\":\"" + item + "\",\"value\":1.5,\"ts\":" + (1000 + n) + "}"}
          : new String[] {user, user + "," + item + ",1," + (1000 + n) + ",e" + n});
    }
    records.add(new String[] {"new0", "{\"user\":\"new0\",\"item\":\"not-an-item\"}"});
    Served s = serve("events", "fold-in");
    produce("events", records);
    // the event on an unknown item is logged for the next training too (not folded in)
    await("41 events are consumed", () -> s.source().eventsConsumed() == 41);

    List<EventLog.Event> all = EventLog.replay(s.log());
    assertThat(all).hasSize(41);
    assertThat(all).filteredOn(e -> e.item().equals("not-an-item")).hasSize(1);
    List<EventLog.Event> logged = all.stream().filter(e -> !e.item().equals("not-an-item")).toList();
    assertThat(logged).hasSize(40);
    assertThat(logged).allSatisfy(e -> assertThat(e.id()).matches("kafka/events/[0-2]/\\d+(/e\\d+)?"));
    assertThat(logged).extracting(EventLog.Event::id).doesNotHaveDuplicates();
    assertThat(logged).extracting(EventLog.Event::timestampMillis).allMatch(t -> t >= 1000 && t < 1040);

    JsonNode recs = JSON.readTree(get(s.server(), "/v1/users/new3/recommendations?k=10"));
    assertThat(recs.get("source").asText()).isEqualTo("fold-in");
    List<String> seen = logged.stream().filter(e -> e.user().equals("new3")).map(EventLog.Event::item).toList();
    assertThat(seen).hasSize(5);
    List<String> items = new ArrayList<>();
    recs.get("items").forEach(n -> items.add(n.asText()));
    assertThat(items).hasSize(10).doesNotContainAnyElementsOf(seen);

    await("the unknown item is counted", () -> metric(s, "kindred_kafka_unknown_items_total") == 1);
    String metrics = get(s.server(), "/metrics");
    assertThat(metric(metrics, "kindred_kafka_events_consumed_total")).isEqualTo(41);
    assertThat(metric(metrics, "kindred_kafka_dead_letters_total")).isZero();
    assertThat(metrics).contains("kindred_kafka_consumer_lag{topic=\"events\"}", "kindred_kafka_events_per_second");
    await("the lag is 0", () -> metric(s, "kindred_kafka_consumer_lag") == 0);
  }

  @Test
  void malformedRecordsGoToTheDeadLetterFileAndConsumptionGoesOn() throws Exception {
    broker.createTopic("mixed", 1);
    List<String[]> records = List.of(
        new String[] {"u1", "{\"user\":\"u1\",\"item\":\"i1\"}"},
        new String[] {"u1", "{\"user\":\"u1\",\"item\":"},
        new String[] {"u2", "u2,i2,NaN"},
        new String[] {"u3", "u3"},
        new String[] {"u9", "u4,i4"},
        new String[] {"u5", "{\"user\":\"u5\",\"item\":\"i\\u0007\"}"},
        new String[] {"u6", "u6,i6,1e9"},
        new String[] {"u7", "u7,i7,2"});
    Served s = serve("mixed", "dead-letters");
    produce("mixed", records);
    await("2 events are consumed and 6 dead letters written",
        () -> s.source().eventsConsumed() == 2 && s.source().deadLetters() == 6);

    List<JsonNode> letters = new ArrayList<>();
    for (String line : Files.readAllLines(s.deadLetters())) letters.add(JSON.readTree(line));
    assertThat(letters).extracting(l -> l.get("offset").asLong()).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
    assertThat(letters).allSatisfy(l -> {
      assertThat(l.get("topic").asText()).isEqualTo("mixed");
      assertThat(l.get("partition").asInt()).isZero();
    });
    assertThat(letters).extracting(l -> l.get("reason").asText()).satisfiesExactly(
        r -> assertThat(r).startsWith("not a JSON event"),
        r -> assertThat(r).startsWith("\"value\" must be finite"),
        r -> assertThat(r).startsWith("a CSV event has 2 to 5 fields"),
        r -> assertThat(r).isEqualTo("key 'u9' differs from the value's user 'u4' (key = user)"),
        r -> assertThat(r).startsWith("\"item\" contains the control character U+0007"),
        r -> assertThat(r).startsWith("\"value\" must be finite with |value| <= 1000000.0"));
    assertThat(letters.get(3).get("value").asText()).isEqualTo("u4,i4");
    assertThat(EventLog.replay(s.log())).extracting(EventLog.Event::user).containsExactly("u1", "u7");
    assertThat(metric(get(s.server(), "/metrics"), "kindred_kafka_dead_letters_total")).isEqualTo(6);
  }

  @Test
  void recordsTheLogAlreadyHoldsAreSkippedWhenRedelivered() throws Exception {
    broker.createTopic("replayed", 1);
    List<String[]> records = new ArrayList<>();
    for (int n = 0; n < 10; n++) records.add(new String[] {"u" + n, "u" + n + ",i" + n});
    produce("replayed", records);
    // A server that logged offsets 0-5 and was killed before it committed: the log holds them, the
    // group has no committed offset, so the broker re-delivers everything from offset 0.
    try (EventLog log = EventLog.open(dir.resolve("events.log"), EventLog.Sync.ALWAYS)) {
      List<EventLog.Event> before = new ArrayList<>();
      for (int n = 0; n <= 5; n++) {
        before.add(new EventLog.Event("u" + n, "i" + n, 1f, 0, KafkaEventSource.positionId("replayed", 0, n, null)));
      }
      log.append(before);
    }
    Served s = serve("replayed", "redelivery");
    await("the 4 new events are consumed", () -> s.source().eventsConsumed() == 4);
    Map<String, Integer> perId = new HashMap<>();
    for (EventLog.Event e : EventLog.replay(s.log())) perId.merge(e.id(), 1, Integer::sum);
    assertThat(perId).hasSize(10).allSatisfy((id, count) -> assertThat(count).as(id).isEqualTo(1));
    assertThat(s.source().redeliveredSkipped()).isZero(); // the seek on assignment skipped them, not the filter
  }

  static double metric(Served s, String name) {
    try {
      return metric(get(s.server(), "/metrics"), name);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The value of the first sample of {@code name} in a Prometheus text scrape (NaN when absent). */
  static double metric(String scrape, String name) {
    for (String line : scrape.split("\n")) {
      if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
        return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return Double.NaN;
  }
}
