package dev.kindred.serve;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real-time events: logged durably, folded in at once, replayed after a restart. */
class EventsTest {

  @TempDir
  Path dir;

  KindredServer server;
  EventLog log;

  @AfterEach
  void stop() throws Exception {
    if (server != null) server.close();
    if (log != null) log.close();
  }

  void start(Path logFile) throws Exception {
    ServeConfig config = new ServeConfig("127.0.0.1", 0, 50, 100, 1 << 16);
    log = EventLog.open(logFile, EventLog.Sync.ALWAYS);
    List<EventLog.Event> replay = EventLog.replay(logFile);
    server = KindredServer.start(new RecommendationService(Fixture.model(), null, config, log, replay), config);
  }

  JsonNode recs(String user) throws Exception {
    Fixture.Reply r = Fixture.get(server, "/v1/users/" + user + "/recommendations?k=5");
    assertThat(r.status()).as(r.body().toString()).isEqualTo(200);
    return r.body();
  }

  @Test
  void aNewUsersFirstEventsGiveRecommendationsAtOnceAndSurviveARestart() throws Exception {
    Path logFile = dir.resolve("events.log");
    start(logFile);
    assertThat(Fixture.get(server, "/v1/users/newbie/recommendations").status()).isEqualTo(404);

    Fixture.Reply ack = Fixture.post(server, "/v1/events",
        "{\"events\":[{\"user\":\"newbie\",\"item\":\"i3\"},{\"user\":\"newbie\",\"item\":\"i8\",\"value\":2},"
            + "{\"user\":\"newbie\",\"item\":\"not-an-item\"}]}");
    assertThat(ack.status()).isEqualTo(200);
    assertThat(ack.body().get("accepted").asInt()).isEqualTo(3);
    assertThat(ack.body().get("unknown_items").get(0).asText()).isEqualTo("not-an-item");
    // Acknowledged means logged: all three lines are on disk before the reply, the event on an item
    // the model does not know included (the next training learns it).
    assertThat(Files.readAllLines(logFile)).hasSize(3).anyMatch(l -> l.startsWith("newbie\tnot-an-item\t"));

    JsonNode first = recs("newbie");
    assertThat(first.get("source").asText()).isEqualTo("fold-in");
    List<String> items = Fixture.items(first);
    assertThat(items).hasSize(5).doesNotContain("i3", "i8");

    // Restart from the log: the same user gets the same list.
    server.close();
    log.close();
    start(logFile);
    assertThat(Fixture.items(recs("newbie"))).isEqualTo(items);
  }

  @Test
  void aKnownUsersNewEventsChangeTheirListAtOnce() throws Exception {
    start(dir.resolve("known.log"));
    List<String> before = Fixture.items(recs("u7"));
    assertThat(recs("u7").get("source").asText()).isEqualTo("model");
    // Interacting with the current top item removes it and re-ranks from the new history.
    String top = before.get(0);
    assertThat(Fixture.post(server, "/v1/events", "{\"user\":\"u7\",\"item\":\"" + top + "\"}").status()).isEqualTo(200);
    JsonNode after = recs("u7");
    assertThat(after.get("source").asText()).isEqualTo("fold-in");
    assertThat(Fixture.items(after)).doesNotContain(top).isNotEqualTo(before);
  }

  /** Regression: batch and score ignored a user's new events; only the single recommend folded them in. */
  @Test
  void batchAndScoreSeeTheSameFoldedInUserAsTheSingleRecommend() throws Exception {
    start(dir.resolve("consistent.log"));
    String top = Fixture.items(recs("u7")).get(0);
    assertThat(Fixture.post(server, "/v1/events", "{\"events\":[{\"user\":\"u7\",\"item\":\"" + top + "\"},"
        + "{\"user\":\"newbie\",\"item\":\"i3\"}]}").status()).isEqualTo(200);
    for (String user : List.of("u7", "newbie")) {
      JsonNode single = recs(user);
      assertThat(single.get("source").asText()).isEqualTo("fold-in");
      Fixture.Reply batch = Fixture.post(server, "/v1/recommend/batch", "{\"users\":[\"" + user + "\"],\"k\":5}");
      assertThat(batch.status()).as(batch.body().toString()).isEqualTo(200);
      JsonNode row = batch.body().get("recommendations").get(0);
      assertThat(Fixture.items(row)).isEqualTo(Fixture.items(single));

      String items = Fixture.JSON.writeValueAsString(Fixture.items(single));
      Fixture.Reply scored = Fixture.post(server, "/v1/score", "{\"user\":\"" + user + "\",\"items\":" + items + "}");
      assertThat(scored.status()).as(scored.body().toString()).isEqualTo(200);
      for (int j = 0; j < 5; j++) {
        // Same fold-in, scored one item at a time instead of in a top-K pass: float rounding only.
        assertThat(scored.body().get("scores").get(j).floatValue())
            .isCloseTo(single.get("scores").get(j).floatValue(), org.assertj.core.data.Offset.offset(1e-4f));
      }
    }
    // The item the user just used is scored too (fold-in scores cover history items).
    Fixture.Reply own = Fixture.post(server, "/v1/score", "{\"user\":\"u7\",\"items\":[\"" + top + "\"]}");
    assertThat(own.body().get("scores")).hasSize(1);
  }

  @Test
  void malformedEventsAreRefusedWithoutTouchingTheLog() throws Exception {
    Path logFile = dir.resolve("bad.log");
    start(logFile);
    assertThat(Fixture.post(server, "/v1/events", "{\"events\":[{\"user\":\"x\"}]}").status()).isEqualTo(400);
    assertThat(Fixture.post(server, "/v1/events", "{\"user\":\"x\",\"item\":\"i1\",\"value\":\"high\"}").status())
        .isEqualTo(400);
    assertThat(Fixture.post(server, "/v1/events", "{\"events\": 3}").status()).isEqualTo(400);
    assertThat(Files.readAllLines(logFile)).isEmpty();
  }

  @Test
  void reopeningALogCutsATornLastLineSoTheNextEventStandsAlone() throws Exception {
    Path logFile = dir.resolve("reopen.log");
    Files.writeString(logFile, "a\ti1\t1.0\t5\nc\ti3\t1.");
    try (EventLog reopened = EventLog.open(logFile, EventLog.Sync.ALWAYS)) {
      reopened.append(List.of(new EventLog.Event("d", "i4", 2f, 7)));
    }
    assertThat(Files.readString(logFile)).isEqualTo("a\ti1\t1.0\t5\nd\ti4\t2.0\t7\n");
    assertThat(EventLog.replay(logFile)).extracting(EventLog.Event::user).containsExactly("a", "d");
    // A log that is one torn line is emptied; an intact log is left alone.
    Path torn = dir.resolve("all-torn.log");
    Files.writeString(torn, "x\ti");
    EventLog.open(torn, EventLog.Sync.NONE).close();
    assertThat(Files.size(torn)).isZero();
    EventLog.open(logFile, EventLog.Sync.NONE).close();
    assertThat(EventLog.replay(logFile)).hasSize(2);
  }

  /** Regression: invalid UTF-8 anywhere in the log stopped start-up with "Input length = 1" and no file named. */
  @Test
  void aLogWithATornMultiByteTailAndGarbageInTheMiddleStillStarts() throws Exception {
    Path logFile = dir.resolve("utf8.log");
    byte[] good = "a\ti1\t1.0\t5\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    byte[] garbage = {'g', '\t', (byte) 0xff, (byte) 0xfe, '\t', '1', '\t', '6', '\n'};
    byte[] after = "caf\u00e9\ti2\t1.0\t7\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    byte[] torn = {'b', '\t', 'i', (byte) 0xc3};
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    for (byte[] part : List.of(good, garbage, after, torn)) bytes.write(part);
    Files.write(logFile, bytes.toByteArray());

    start(logFile);
    // The torn tail is cut on open; the garbage line is skipped; the lines around it replay.
    assertThat(Files.size(logFile)).isEqualTo(good.length + garbage.length + after.length);
    assertThat(EventLog.replay(logFile)).extracting(EventLog.Event::user).containsExactly("a", "caf\u00e9");
    assertThat(recs("a").get("source").asText()).isEqualTo("fold-in");
  }

  /** Posts {@code body} to the events route: it must be a 400 whose error holds every one of {@code inError}. */
  void eventRefused(String body, String... inError) throws Exception {
    Fixture.Reply r = Fixture.post(server, "/v1/events", body);
    assertThat(r.status()).as(body).isEqualTo(400);
    assertThat(r.body().get("error").asText()).contains(inError);
  }

  /** Regression: "alice\rbob" was acknowledged, then replayed after a restart as user "bob". */
  @Test
  void idsThatCannotReplayAsThemselvesAreRefusedNamingTheField() throws Exception {
    Path logFile = dir.resolve("ids.log");
    start(logFile);
    eventRefused("{\"user\":\"alice\\rbob\",\"item\":\"i1\"}", "\"user\"", "U+000D");
    eventRefused("{\"events\":[{\"user\":\"ok\",\"item\":\"i1\"},{\"user\":\"ok\",\"item\":\"x\\ud800\"}]}",
        "\"events[1].item\"", "lone surrogate");
    eventRefused("{\"user\":\"a\\u0001b\",\"item\":\"i1\"}", "\"user\"", "U+0001");
    assertThat(Files.size(logFile)).isZero();
    // A pair of surrogates (one character outside the BMP) is a fine id.
    assertThat(Fixture.post(server, "/v1/events", "{\"user\":\"\\ud83d\\ude00\",\"item\":\"i1\"}").status())
        .isEqualTo(200);
    // A carriage return already in a log (written before the check) stays inside its id on replay.
    Path old = dir.resolve("old.log");
    Files.writeString(old, "alice\rbob\ti1\t1.0\t5\n");
    assertThat(EventLog.replay(old)).extracting(EventLog.Event::user).containsExactly("alice\rbob");
  }

  /** Regression: only finiteness was checked, so one event of 3e38 poisoned a user's list for good. */
  @Test
  void eventValuesAreBoundedAtTheApiAndOnReplay() throws Exception {
    Path logFile = dir.resolve("values.log");
    Files.writeString(logFile, "u7\ti1\t3.0E38\t5\n");
    start(logFile);
    // The logged 3e38 (written before the bound) is not replayed: u7 is still served by the model.
    assertThat(recs("u7").get("source").asText()).isEqualTo("model");
    eventRefused("{\"user\":\"u7\",\"item\":\"i2\",\"value\":3e38}", "\"value\"", "1000000");
    eventRefused("{\"events\":[{\"user\":\"u7\",\"item\":\"i2\",\"value\":-1000001}]}", "\"events[0].value\"");
    assertThat(Files.readAllLines(logFile)).hasSize(1);
    assertThat(Fixture.post(server, "/v1/events", "{\"user\":\"u7\",\"item\":\"i2\",\"value\":-1e6}").status())
        .isEqualTo(200);
  }

  @Test
  void replaySkipsATornLastLine() throws Exception {
    Path logFile = dir.resolve("torn.log");
    Files.writeString(logFile, "a\ti1\t1.0\t5\nb\ti2\t1.0\t6\nc\ti3\t1.");
    List<EventLog.Event> events = EventLog.replay(logFile);
    assertThat(events).extracting(EventLog.Event::user).containsExactly("a", "b");
  }
}
