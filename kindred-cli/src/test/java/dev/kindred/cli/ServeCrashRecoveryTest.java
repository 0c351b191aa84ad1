package dev.kindred.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kindred.serve.EventLog;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Crash safety of {@code kindred serve --events LOG --fsync always} against a real SIGKILL: the
 * server runs as a separate JVM ({@code dev.kindred.cli.KindredCli serve}), a client streams
 * events, the server is killed with {@link Process#destroyForcibly()} mid-stream and restarted on
 * the same log. Every acknowledged event must be in the log and must be reflected in its user's
 * recommendations after the restart; a torn partial last line must neither block the restart nor
 * swallow the events appended after it.
 */
class ServeCrashRecoveryTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  static Path dir;

  static Path model;

  private final List<Process> started = new ArrayList<>();

  record Reply(int status, JsonNode body) {
    List<String> items() {
      List<String> out = new ArrayList<>();
      if (body != null && body.has("items")) body.get("items").forEach(n -> out.add(n.asText()));
      return out;
    }
  }

  @BeforeAll
  static void trainModel() {
    model = ServerProcess.trainSmallModel(dir);
  }

  @AfterEach
  void killLeftovers() {
    for (Process p : started) p.destroyForcibly();
  }

  @Test
  void everyAcknowledgedEventSurvivesSigkillAndIsReflectedAfterRestart() throws Exception {
    Path log = dir.resolve("events.log");
    ServerProcess first = start(log);

    // Stream events until the server dies: each names the user's current top item, so an event
    // that is lost (not replayed) leaves that item in the user's list after the restart.
    List<String[]> acked = java.util.Collections.synchronizedList(new ArrayList<>());
    CompletableFuture<Void> stream = CompletableFuture.runAsync(() -> {
      for (int n = 0; ; n++) {
        String user = Integer.toString(1 + n % 25);
        try {
          List<String> top = get(first, "/v1/users/" + user + "/recommendations?k=10").items();
          if (top.isEmpty()) continue;
          Reply ack = post(first, "/v1/events", "{\"user\":\"" + user + "\",\"item\":\"" + top.get(0) + "\"}");
          if (ack.status() == 200 && ack.body().get("accepted").asInt() == 1) acked.add(new String[] {user, top.get(0)});
        } catch (IOException e) {
          return; // the server was killed
        }
      }
    });
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (acked.size() < 60 && System.nanoTime() < deadline && !stream.isDone()) Thread.sleep(5);
    first.process().destroyForcibly(); // SIGKILL: no shutdown hook, no close of the log
    assertThat(first.process().waitFor(10, TimeUnit.SECONDS)).isTrue();
    stream.get(15, TimeUnit.SECONDS);
    List<String[]> acknowledged = List.copyOf(acked);
    assertThat(acknowledged).as("events acknowledged before the kill").hasSizeGreaterThanOrEqualTo(20);

    // Every acknowledged event is in the log (the one in flight at the kill may be there too).
    Set<String> logged = new HashSet<>();
    for (EventLog.Event e : EventLog.replay(log)) logged.add(e.user() + "\t" + e.item());
    for (String[] a : acknowledged) assertThat(logged).as("log line for acknowledged event").contains(a[0] + "\t" + a[1]);

    // A crash mid-write leaves a torn last line; the restart must not stumble on it.
    Files.writeString(log, "7\t12\t1.", StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    ServerProcess second = start(log);
    assertThat(second.replayed()).isGreaterThanOrEqualTo(acknowledged.size());
    Map<String, Set<String>> byUser = new LinkedHashMap<>();
    for (String[] a : acknowledged) byUser.computeIfAbsent(a[0], u -> new HashSet<>()).add(a[1]);
    for (var e : byUser.entrySet()) {
      Reply r = get(second, "/v1/users/" + e.getKey() + "/recommendations?k=10");
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.body().get("source").asText()).as("user %s is folded in from replayed events", e.getKey())
          .isEqualTo("fold-in");
      assertThat(r.items()).as("user %s's list excludes the items of their acknowledged events", e.getKey())
          .hasSize(10).doesNotContainAnyElementsOf(e.getValue());
    }

    // An event acknowledged after the torn line is replayed after the next crash too (it must not
    // be glued onto the torn line and skipped with it).
    String item = get(second, "/v1/users/1/recommendations?k=1").items().get(0);
    Reply ack = post(second, "/v1/events", "{\"user\":\"after-torn\",\"item\":\"" + item + "\"}");
    assertThat(ack.status()).isEqualTo(200);
    assertThat(ack.body().get("accepted").asInt()).isEqualTo(1);
    second.process().destroyForcibly();
    assertThat(second.process().waitFor(10, TimeUnit.SECONDS)).isTrue();
    ServerProcess third = start(log);
    Reply r = get(third, "/v1/users/after-torn/recommendations?k=10");
    assertThat(r.status()).as("the new user's event was replayed: %s", r.body()).isEqualTo(200);
    assertThat(r.body().get("source").asText()).isEqualTo("fold-in");
    assertThat(r.items()).hasSize(10).doesNotContain(item);
    third.process().destroyForcibly();
  }

  private ServerProcess start(Path log) throws Exception {
    return ServerProcess.start(started, model, "--events", log.toString(), "--fsync", "always");
  }

  private Reply get(ServerProcess s, String path) throws IOException {
    return reply(s.get(path));
  }

  private Reply post(ServerProcess s, String path, String body) throws IOException {
    return reply(s.post(path, body));
  }

  private static Reply reply(HttpResponse<String> r) throws IOException {
    return new Reply(r.statusCode(), r.body().isEmpty() ? null : JSON.readTree(r.body()));
  }
}
