package dev.kindred.bench.serve;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * One persistent HTTP/1.1 connection over a blocking socket, for the load generator's senders:
 * write a request, read the status line, headers and body (Content-Length or chunked), keep the
 * connection for the next request; reconnect after the server closes it or an error. It exists
 * because the JDK {@link java.net.http.HttpClient} spends a few hundred microseconds of CPU per
 * request (selector thread, futures, hand-offs between threads), which on a small machine that
 * also runs the server is CPU taken from the server and noise in its latency.
 *
 * <p>Not thread-safe: one per sender thread.
 */
final class RawHttpConnection implements AutoCloseable {

  private final String host;
  private final int port;
  private final byte[] hostHeader;
  private final int timeoutMillis;
  private Socket socket;
  private InputStream in;
  private OutputStream out;
  private final byte[] line = new byte[8192];

  RawHttpConnection(URI base, int timeoutMillis) {
    this.host = base.getHost();
    this.port = base.getPort() < 0 ? 80 : base.getPort();
    this.hostHeader = ("Host: " + host + ":" + port + "\r\n").getBytes(StandardCharsets.US_ASCII);
    this.timeoutMillis = timeoutMillis;
  }

  /** GET {@code path}; returns the status. */
  int get(String path) throws IOException {
    return exchange("GET", path, null);
  }

  /** POST a JSON body to {@code path}; returns the status. */
  int post(String path, byte[] json) throws IOException {
    return exchange("POST", path, json);
  }

  private int exchange(String method, String path, byte[] body) throws IOException {
    boolean fresh = socket == null;
    if (fresh) connect();
    try {
      return roundTrip(method, path, body);
    } catch (IOException e) {
      close();
      if (fresh) throw e;
      connect(); // the server may have closed an idle keep-alive connection: one retry on a new one
      try {
        return roundTrip(method, path, body);
      } catch (IOException again) {
        close();
        throw again;
      }
    }
  }

  private int roundTrip(String method, String path, byte[] body) throws IOException {
    out.write((method + " " + path + " HTTP/1.1\r\n").getBytes(StandardCharsets.US_ASCII));
    out.write(hostHeader);
    if (body != null) {
      out.write(("Content-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      out.write(body);
    } else {
      out.write('\r');
      out.write('\n');
    }
    out.flush();
    String status = readLine();
    if (!status.startsWith("HTTP/1.") || status.length() < 12) throw new IOException("bad status line '" + status + "'");
    int code = Integer.parseInt(status.substring(9, 12));
    long length = -1;
    boolean chunked = false;
    boolean closeAfter = false;
    for (String h = readLine(); !h.isEmpty(); h = readLine()) {
      int colon = h.indexOf(':');
      if (colon < 0) continue;
      String name = h.substring(0, colon).trim();
      String value = h.substring(colon + 1).trim();
      if (name.equalsIgnoreCase("Content-Length")) length = Long.parseLong(value);
      else if (name.equalsIgnoreCase("Transfer-Encoding")) chunked = value.equalsIgnoreCase("chunked");
      else if (name.equalsIgnoreCase("Connection")) closeAfter = value.equalsIgnoreCase("close");
    }
    if (chunked) {
      for (long n = Long.parseLong(readLine().split(";", 2)[0].trim(), 16); n > 0;
          n = Long.parseLong(readLine().split(";", 2)[0].trim(), 16)) {
        skip(n);
        readLine();
      }
      while (!readLine().isEmpty()) {
        // trailers: none expected, read to the blank line
      }
    } else if (length >= 0) {
      skip(length);
    } else {
      closeAfter = true; // body runs to the end of the connection
      while (in.read(line) >= 0) {
        // drain
      }
    }
    if (closeAfter) close();
    return code;
  }

  private void skip(long n) throws IOException {
    while (n > 0) {
      int r = in.read(line, 0, (int) Math.min(line.length, n));
      if (r < 0) throw new EOFException("connection closed inside a response body");
      n -= r;
    }
  }

  private String readLine() throws IOException {
    int n = 0;
    for (int b = in.read(); b != '\n'; b = in.read()) {
      if (b < 0) throw new EOFException("connection closed inside a response head");
      if (n == line.length) throw new IOException("response header line longer than " + line.length + " bytes");
      line[n++] = (byte) b;
    }
    if (n > 0 && line[n - 1] == '\r') n--;
    return new String(line, 0, n, StandardCharsets.US_ASCII);
  }

  private void connect() throws IOException {
    Socket s = new Socket();
    s.setTcpNoDelay(true);
    s.setSoTimeout(timeoutMillis);
    s.connect(new InetSocketAddress(host, port), timeoutMillis);
    socket = s;
    in = new BufferedInputStream(s.getInputStream(), 1 << 14);
    out = new BufferedOutputStream(s.getOutputStream(), 1 << 12);
  }

  @Override
  public void close() {
    if (socket == null) return;
    try {
      socket.close();
    } catch (IOException e) {
      // closing a broken connection: nothing to do
    }
    socket = null;
  }
}
