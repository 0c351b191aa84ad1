package dev.kindred.serve;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.kindred.core.LatentFactorModel;
import dev.kindred.core.ModelFile;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The event log over a model's lifetime: replay from the model's training cut-off only, compaction
 * of what a model holds, events on items the model does not know kept, bounded per-user memory.
 */
class EventLifecycleTest {

  static final String TOKEN = "lifecycle-token-0123456789";
  static final long CUTOFF = 1_700_000_000_000L;

  @TempDir
  Path dir;

  KindredServer server;
  RecommendationService service;
  EventLog log;

  @AfterEach
  void stop() throws Exception {
    if (server != null) server.close();
    if (log != null) log.close();
  }

  /** A log with two events of u7 before {@link #CUTOFF} and one of newbie after it. */
  Path logAroundTheCutoff() throws Exception {
    Path file = dir.resolve("events.log");
    Files.writeString(file, "u7\ti3\t1.0\t" + (CUTOFF - 60_000) + "\n"
        + "u7\ti8\t1.0\t" + (CUTOFF - 1) + "\n"
        + "newbie\ti5\t1.0\t" + (CUTOFF + 1) + "\n");
    return file;
  }

  void start(LatentFactorModel model, Path logFile, ServeConfig config) throws Exception {
    log = EventLog.open(logFile, EventLog.Sync.ALWAYS);
    service = new RecommendationService(model, null, config, log, EventLog.replay(logFile));
    server = KindredServer.start(service, config, OperationsConfig.DEFAULTS.withAdminToken(TOKEN));
  }

  static ServeConfig config() {
    return new ServeConfig("127.0.0.1", 0, 50, 100, 1 << 16);
  }

  @Test
  void onlyEventsFromTheModelsCutoffOnAreReappliedAtStart() throws Exception {
    start(Fixture.model(3, 0, 8, CUTOFF), logAroundTheCutoff(), config());
    assertThat(service.state().events.holds("u7")).as("u7's events are in the model").isFalse();
    assertThat(service.state().events.held()).isEqualTo(1);
    JsonNode u7 = Fixture.get(server, "/v1/users/u7/recommendations?k=5").body();
    assertThat(u7.get("source").asText()).isEqualTo("model");
    assertThat(Fixture.get(server, "/v1/users/newbie/recommendations?k=5").body().get("source").asText())
        .isEqualTo("fold-in");
  }

  @Test
  void aModelWithoutACutoffGetsEveryLoggedEventAsBefore() throws Exception {
    start(Fixture.model(3, 0, 8), logAroundTheCutoff(), config());
    assertThat(service.state().events.held()).isEqualTo(3);
    assertThat(service.state().eventsRule()).startsWith("every logged event");
  }

  @Test
  void aSwapReappliesOnlyTheEventsAfterTheNewModelsCutoff() throws Exception {
    start(Fixture.model(3, 0, 8), logAroundTheCutoff(), config());
    Path next = dir.resolve("next.kdm").toAbsolutePath();
    ModelFile.write(Fixture.model(11, 5, 8, CUTOFF), next);
    HttpResponse<String> r = OperationsTest.send(server, "POST", "/v1/admin/model", "{\"path\":\"" + next + "\"}",
        TOKEN);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode body = Fixture.JSON.readTree(r.body());
    assertThat(body.get("events_reapplied").asInt()).isEqualTo(1);
    assertThat(body.get("events_rule").asText()).contains("2023-11-14T22:13:20Z", "cut-off");
    assertThat(service.state().events.holds("u7")).isFalse();
  }

  @Test
  void compactionDropsWhatTheServingModelHoldsAndTheLogKeepsTakingEvents() throws Exception {
    Path logFile = logAroundTheCutoff();
    start(Fixture.model(3, 0, 8, CUTOFF), logFile, config());
    HttpResponse<String> r = OperationsTest.send(server, "POST", "/v1/admin/compact-events", null, TOKEN);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    JsonNode body = Fixture.JSON.readTree(r.body());
    assertThat(body.get("dropped").asInt()).isEqualTo(2);
    assertThat(body.get("kept").asInt()).isEqualTo(1);
    assertThat(Files.readAllLines(logFile)).containsExactly("newbie\ti5\t1.0\t" + (CUTOFF + 1));
    assertThat(dir.toFile().list()).as("no temporary file left").containsOnly("events.log");

    // The reopened log takes events, durably, and they reach the user's list.
    assertThat(Fixture.post(server, "/v1/events", "{\"user\":\"u7\",\"item\":\"i9\"}").status()).isEqualTo(200);
    List<String> lines = Files.readAllLines(logFile);
    assertThat(lines).hasSize(2);
    assertThat(lines.get(1)).startsWith("u7\ti9\t");
    assertThat(Fixture.get(server, "/v1/users/u7/recommendations?k=5").body().get("source").asText())
        .isEqualTo("fold-in");
    String metrics = OperationsTest.send(server, "GET", "/metrics", null, null).body();
    assertThat(OperationsTest.sample(metrics, "kindred_events_compacted_total")).isEqualTo(2.0);
  }

  @Test
  void compactionIsRefusedWhenTheServingModelRecordsNoCutoff() throws Exception {
    Path logFile = logAroundTheCutoff();
    start(Fixture.model(3, 0, 8), logFile, config());
    HttpResponse<String> r = OperationsTest.send(server, "POST", "/v1/admin/compact-events", null, TOKEN);
    assertThat(r.statusCode()).isEqualTo(409);
    assertThat(r.body()).contains("records no training cut-off");
    assertThat(Files.readAllLines(logFile)).hasSize(3);
  }

  /** Regression: events on items the model does not know were dropped, so no later training could learn them. */
  @Test
  void eventsOnItemsTheModelDoesNotKnowAreLoggedAndCounted() throws Exception {
    Path logFile = dir.resolve("unknown.log");
    start(Fixture.model(), logFile, config());
    Fixture.Reply ack = Fixture.post(server, "/v1/events",
        "{\"events\":[{\"user\":\"u1\",\"item\":\"brand-new\"},{\"user\":\"u1\",\"item\":\"i2\"}]}");
    assertThat(ack.status()).isEqualTo(200);
    assertThat(ack.body().get("accepted").asInt()).isEqualTo(2);
    List<String> lines = Files.readAllLines(logFile);
    assertThat(lines).hasSize(2);
    assertThat(lines.get(0)).startsWith("u1\tbrand-new\t");
    String metrics = OperationsTest.send(server, "GET", "/metrics", null, null).body();
    assertThat(OperationsTest.sample(metrics, "kindred_events_unknown_item_total")).isEqualTo(1.0);
    assertThat(OperationsTest.sample(metrics, "kindred_events_ingested_total")).isEqualTo(2.0);
  }

  @Test
  void memoryKeepsEachUsersLastEventsAndEvictsTheLeastRecentlyActiveUsers() throws Exception {
    EventMemory.Evictions ev = new EventMemory.Evictions();
    EventMemory m = new EventMemory(config().withEventMemory(3, 5), ev);
    for (int i = 0; i < 5; i++) m.add("a", i, i);
    // a holds its last 3 (items 2, 3, 4); 2 were dropped for the per-user cap.
    float[][] values = new float[1][];
    assertThat(m.get("a").merged(null, -1, values)[0]).containsExactly(2, 3, 4);
    assertThat(ev.perUser.sum()).isEqualTo(2);
    m.add("b", 7, 1);
    m.add("b", 8, 1);
    m.add("a", 9, 1); // a is now the most recently active, at its cap: held stays 5
    assertThat(m.held()).isEqualTo(5);
    m.add("c", 1, 1); // 6 > 5: b, the least recently active, goes whole
    assertThat(m.holds("b")).isFalse();
    assertThat(m.holds("a")).isTrue();
    assertThat(m.held()).isEqualTo(4);
    assertThat(ev.users.sum()).isEqualTo(1);
    assertThat(ev.total.sum()).isEqualTo(2);
  }

  @Test
  void evictionsAreCountedInMetrics() throws Exception {
    start(Fixture.model(), dir.resolve("evict.log"), config().withEventMemory(2, 10));
    for (String item : List.of("i1", "i2", "i3", "i4")) {
      assertThat(Fixture.post(server, "/v1/events", "{\"user\":\"u1\",\"item\":\"" + item + "\"}").status())
          .isEqualTo(200);
    }
    String metrics = OperationsTest.send(server, "GET", "/metrics", null, null).body();
    assertThat(OperationsTest.sample(metrics, "kindred_events_evicted_total", "reason=\"per_user\"")).isEqualTo(2.0);
    assertThat(OperationsTest.sample(metrics, "kindred_events_held")).isEqualTo(2.0);
  }

  /**
   * Regression: a forcer read the channel under the log's lock while holding the sync lock, and a
   * compaction holds the log's lock and then takes the sync lock: appends racing compactions
   * deadlocked. Here they race for real, and every appended event survives every compaction.
   */
  @Test
  void appendsRacingCompactionsNeitherDeadlockNorLoseEvents() throws Exception {
    Path file = dir.resolve("race.log");
    StringBuilder old = new StringBuilder();
    for (int j = 0; j < 200; j++) old.append("old\ti").append(j).append("\t1.0\t").append(j).append('\n');
    Files.writeString(file, old);
    java.util.concurrent.atomic.AtomicInteger dropped = new java.util.concurrent.atomic.AtomicInteger();
    EventLog g = EventLog.open(file, EventLog.Sync.ALWAYS); // closed only if nothing is stuck holding it
    {
      List<Thread> threads = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int id = t;
        threads.add(Thread.ofPlatform().daemon().start(() -> {
          for (int j = 0; j < 100; j++) {
            try {
              g.append(List.of(new EventLog.Event("new" + id, "i" + j, 1f, 1_000_000 + j)));
            } catch (java.io.IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
          }
        }));
      }
      threads.add(Thread.ofPlatform().daemon().start(() -> {
        for (int c = 1; c <= 20; c++) {
          try {
            dropped.addAndGet(g.compactBefore(c * 10L).dropped());
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        }
      }));
      for (Thread t : threads) {
        t.join(60_000);
        assertThat(t.isAlive()).as("%s is stuck", t).isFalse();
      }
    }
    g.close();
    assertThat(dropped.get()).isEqualTo(200);
    List<EventLog.Event> back = EventLog.replay(file);
    assertThat(back).hasSize(400).allMatch(e -> e.user().startsWith("new"));
  }

  /** Group commit: concurrent appends share fsyncs, and every acknowledged line is in the log, whole. */
  @Test
  void concurrentAppendsAreAllDurableAndWhole() throws Exception {
    Path file = dir.resolve("group.log");
    try (EventLog g = EventLog.open(file, EventLog.Sync.ALWAYS)) {
      List<Thread> threads = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int id = t;
        threads.add(Thread.ofPlatform().start(() -> {
          for (int j = 0; j < 50; j++) {
            try {
              g.append(List.of(new EventLog.Event("user" + id, "item" + j, 1f, j)));
            } catch (java.io.IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
          }
        }));
      }
      for (Thread t : threads) t.join();
    }
    List<EventLog.Event> back = EventLog.replay(file);
    assertThat(back).hasSize(400);
    for (int t = 0; t < 8; t++) {
      String user = "user" + t;
      assertThat(back.stream().filter(e -> e.user().equals(user)).map(EventLog.Event::item).toList())
          .as("%s's events in order", user).hasSize(50).startsWith("item0", "item1").endsWith("item49");
    }
  }
}
