package dev.kindred.serve;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The HTTP edge under hostile or sloppy clients, spoken over raw sockets so that the bytes on the
 * wire are exactly the ones named: bodies larger than the limit (chunked too), empty bodies, wrong
 * methods, a header that never completes, ids of the wrong JSON type.
 */
class HttpRobustnessTest {

  static final int LIMIT = 4096;
  /** The read timeout configured for the server: a stalled header is dropped after it. */
  static final int READ_TIMEOUT_MILLIS = 300;
  /** How long a test waits for the server before failing (a guard against hanging, not a timing assertion). */
  static final int CLIENT_WAIT_MILLIS = 30_000;

  static KindredServer server;

  @BeforeAll
  static void start() {
    ServeConfig config = new ServeConfig("127.0.0.1", 0, 50, 10, LIMIT).withReadTimeoutMillis(READ_TIMEOUT_MILLIS);
    server = KindredServer.start(new RecommendationService(Fixture.model(), null, config), config);
  }

  @AfterAll
  static void stop() {
    server.close();
  }

  record Raw(int status, String head, String body) {
    JsonNode json() throws IOException {
      return Fixture.JSON.readTree(body);
    }
  }

  /** Sends {@code request} as given, then reads one response (status line, headers, body to close or length). */
  static Raw exchange(byte[] request) throws IOException {
    try (Socket s = new Socket("127.0.0.1", server.port())) {
      s.setSoTimeout(CLIENT_WAIT_MILLIS);
      s.getOutputStream().write(request);
      s.getOutputStream().flush();
      return readResponse(s.getInputStream());
    }
  }

  static Raw readResponse(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) >= 0) {
      head.write(b);
      byte[] h = head.toByteArray();
      int n = h.length;
      if (n >= 4 && h[n - 4] == '\r' && h[n - 3] == '\n' && h[n - 2] == '\r' && h[n - 1] == '\n') break;
    }
    String headText = head.toString(StandardCharsets.ISO_8859_1);
    if (headText.isEmpty()) return new Raw(-1, "", "");
    int status = Integer.parseInt(headText.substring(9, 12));
    int length = -1;
    for (String line : headText.split("\r\n")) {
      if (line.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
        length = Integer.parseInt(line.substring(15).trim());
      }
    }
    byte[] body = length >= 0 ? in.readNBytes(length) : new byte[0];
    return new Raw(status, headText, new String(body, StandardCharsets.UTF_8));
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  /** Regression: a chunked body was buffered whole before the limit was checked (2.1 GiB: out of memory). */
  @Test
  void aChunkedBodyOverTheLimitIs413WithoutReadingItAll() throws Exception {
    try (Socket s = new Socket("127.0.0.1", server.port())) {
      s.setSoTimeout(CLIENT_WAIT_MILLIS);
      OutputStream out = s.getOutputStream();
      out.write(ascii("POST /v1/recommend HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
          + "Transfer-Encoding: chunked\r\n\r\n"));
      // Far more than the limit, sent in chunks; the server must answer before all of it is sent.
      byte[] chunk = ascii("1000\r\n" + "[".repeat(0x1000) + "\r\n");
      Raw r = null;
      Thread reader = null;
      Raw[] got = new Raw[1];
      reader = new Thread(() -> {
        try {
          got[0] = readResponse(s.getInputStream());
        } catch (IOException e) {
          got[0] = new Raw(-2, e.toString(), "");
        }
      });
      reader.start();
      try {
        for (int i = 0; i < 64 * 1024 && reader.isAlive(); i++) out.write(chunk); // up to 256 MiB
      } catch (IOException closedByServer) {
        // the server answered and closed: what the test wants
      }
      reader.join(CLIENT_WAIT_MILLIS);
      r = got[0];
      boolean closed = false;
      try {
        for (int i = 0; i < 16 * 1024; i++) out.write(chunk); // 64 MiB more: a draining server would take it all
      } catch (IOException e) {
        closed = true;
      }
      assertThat(closed).as("the server closes the connection instead of draining the rest of the body").isTrue();
      assertThat(r).isNotNull();
      assertThat(r.status()).as(r.head()).isEqualTo(413);
      assertThat(r.json().get("error").asText()).contains(String.valueOf(LIMIT));
    }
  }

  @Test
  void aDeclaredLengthOverTheLimitIs413InJson() throws Exception {
    Raw r = exchange(ascii("POST /v1/recommend HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        + "Content-Length: 100000\r\nConnection: close\r\n\r\n{"));
    assertThat(r.status()).isEqualTo(413);
    assertThat(r.json().get("error").asText()).contains(String.valueOf(LIMIT));
  }

  /** Regression: an empty POST body was a 500. */
  @Test
  void anEmptyBodyIs400() throws Exception {
    for (String path : new String[] {"/v1/recommend", "/v1/recommend/batch", "/v1/score"}) {
      Raw r = exchange(ascii("POST " + path + " HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"));
      assertThat(r.status()).as(path).isEqualTo(400);
      assertThat(r.json().get("error").asText()).contains("empty");
    }
  }

  /** Regression: a wrong method got Helidon's 404 text instead of the documented 405 JSON. */
  @Test
  void aWrongMethodIs405InJsonNamingTheAllowedOnes() throws Exception {
    Raw r = exchange(ascii("GET /v1/recommend HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
    assertThat(r.status()).isEqualTo(405);
    assertThat(r.head()).containsIgnoringCase("Allow: POST");
    assertThat(r.json().get("error").asText()).contains("GET").contains("POST");
    Raw del = exchange(ascii("DELETE /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
    assertThat(del.status()).isEqualTo(405);
    assertThat(del.json().get("error").asText()).contains("DELETE");
    // A path that names no endpoint is still a 404.
    assertThat(exchange(ascii("GET /v1/nothing HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")).status())
        .isEqualTo(404);
  }

  /** Regression: a half-sent header held its connection open indefinitely. */
  @Test
  void aHeaderThatNeverCompletesIsDropped() throws Exception {
    assertDropped("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ");
    assertDropped("GET /heal");
  }

  /** Sends {@code partial} and then nothing: the server must close the connection. */
  static void assertDropped(String partial) throws IOException {
    try (Socket s = new Socket("127.0.0.1", server.port())) {
      s.setSoTimeout(CLIENT_WAIT_MILLIS);
      s.getOutputStream().write(ascii(partial));
      s.getOutputStream().flush();
      int b;
      try {
        b = s.getInputStream().read();
        while (b >= 0) b = s.getInputStream().read(); // an error response, if any, then the close
      } catch (SocketTimeoutException e) {
        throw new AssertionError("the server kept a half-sent header open for " + CLIENT_WAIT_MILLIS + " ms", e);
      } catch (IOException reset) {
        b = -1; // reset by the server: dropped too
      }
      assertThat(b).isEqualTo(-1);
    }
  }

  /** Regression: {@code "user": {...}} or {@code [...]} was served a popularity list. */
  @Test
  void aUserThatIsNotAStringOrNumberIs400() throws Exception {
    for (String user : new String[] {"{\"id\":\"u1\"}", "[\"u1\"]", "{}", "[]", "true"}) {
      for (String path : new String[] {"/v1/recommend", "/v1/score"}) {
        Fixture.Reply r = Fixture.post(server, path, "{\"user\":" + user + ",\"items\":[\"i1\"]}");
        assertThat(r.status()).as(path + " " + user).isEqualTo(400);
        assertThat(r.body().get("error").asText()).contains("\"user\"");
      }
    }
    assertThat(Fixture.post(server, "/v1/recommend", "{\"user\":\"u7\"}").status()).isEqualTo(200);
  }
}
