package dev.kindred.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code kindred serve} as a separate JVM ({@code dev.kindred.cli.KindredCli serve} on the test
 * class path), for tests that kill it with SIGKILL ({@link Process#destroyForcibly()}): its port and
 * what it printed on stderr.
 */
record ServerProcess(Process process, int port, StringBuffer err) {

  private static final Pattern PORT = Pattern.compile(" on http://[^:]+:(\\d+)");
  private static final Pattern REPLAYED = Pattern.compile("\\((\\d+) events replayed");
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();

  /** Events the server said it replayed from its log at start, or -1. */
  int replayed() {
    Matcher m = REPLAYED.matcher(err);
    return m.find() ? Integer.parseInt(m.group(1)) : -1;
  }

  /** A small implicit ALS model (300 users x 400 items, k = 8) trained from generated data into {@code dir}. */
  static Path trainSmallModel(Path dir) {
    Path data = dir.resolve("gen.tsv");
    Path model = dir.resolve("ials.model");
    StringWriter err = new StringWriter();
    int g = KindredCli.execute(new String[] {"generate", "--users", "300", "--items", "400", "--interactions", "15000",
        "--implicit", "--seed", "4", "--out", data.toString()}, new PrintWriter(new StringWriter()), new PrintWriter(err));
    assertThat(g).as(err.toString()).isZero();
    int t = KindredCli.execute(new String[] {"train", "--train", data.toString(), "--model", "ials", "--factors", "8",
        "--epochs", "5", "--threads", "2", "--seed", "1", "--out", model.toString(), "--quiet"},
        new PrintWriter(new StringWriter()), new PrintWriter(err));
    assertThat(t).as(err.toString()).isZero();
    return model;
  }

  /**
   * Starts {@code kindred serve --model-file MODEL --port 0 ARGS...} in a new JVM, adds it to
   * {@code started} (for the caller to kill), and waits until /readyz answers.
   */
  static ServerProcess start(List<Process> started, Path model, String... args) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> cmd = new ArrayList<>(List.of(java, "--add-modules", "jdk.incubator.vector",
        "--enable-native-access=ALL-UNNAMED", "-Xmx256m", "-XX:TieredStopAtLevel=1", "-cp", cp,
        "dev.kindred.cli.KindredCli", "serve", "--model-file", model.toString(), "--port", "0"));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
    Process p = pb.start();
    started.add(p);
    StringBuffer err = new StringBuffer();
    CompletableFuture<Integer> port = new CompletableFuture<>();
    Thread.ofPlatform().daemon().start(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          err.append(line).append('\n');
          Matcher m = PORT.matcher(line);
          if (m.find()) port.complete(Integer.parseInt(m.group(1)));
        }
      } catch (IOException e) {
        // the process is gone; the port future below times out or has completed
      }
      port.completeExceptionally(new IllegalStateException("server exited before it was serving:\n" + err));
    });
    ServerProcess s = new ServerProcess(p, port.get(60, TimeUnit.SECONDS), err);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (true) {
      try {
        if (s.get("/readyz").statusCode() == 200) return s;
      } catch (IOException e) {
        if (System.nanoTime() > deadline) throw new IllegalStateException("server not ready:\n" + err, e);
      }
      Thread.sleep(50);
    }
  }

  /** {@code GET path} on this server. */
  HttpResponse<String> get(String path) throws IOException {
    return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(10)).GET().build());
  }

  /** {@code POST path} with a JSON body on this server. */
  HttpResponse<String> post(String path, String body) throws IOException {
    return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build());
  }

  private static HttpResponse<String> send(HttpRequest request) throws IOException {
    try {
      return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }
}
