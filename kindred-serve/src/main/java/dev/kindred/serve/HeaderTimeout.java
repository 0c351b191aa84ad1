package dev.kindred.serve;

import io.helidon.http.Headers;
import io.helidon.http.HttpPrologue;
import io.helidon.webserver.ConnectionContext;
import io.helidon.webserver.http1.Http1ConnectionListener;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Drops a connection whose request header does not complete within a timeout of its request line.
 * Helidon's idle-connection check closes a connection stalled in its request line, and its socket
 * read timeout does not reach accepted connections, so a client that sends a request line and then
 * part of a header would hold its connection open for good. This listener notes, on the
 * connection's own thread, when each request line was read and forgets it once the header is
 * complete; a sweep every quarter of the timeout interrupts the threads still waiting past their
 * deadline, which closes their sockets (a blocked socket read of a virtual thread, or of an
 * interruptible channel, ends in a closed socket when interrupted).
 *
 * <p>Cost per request: one map insertion and one removal. Thread-safe.
 */
final class HeaderTimeout implements Http1ConnectionListener, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(HeaderTimeout.class);

  private final long timeoutNanos;
  private final ConcurrentHashMap<Thread, Long> deadlines = new ConcurrentHashMap<>();
  private final ScheduledExecutorService sweeper;

  HeaderTimeout(long timeoutMillis) {
    this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
    this.sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "kindred-header-timeout");
      t.setDaemon(true);
      return t;
    });
    long period = Math.max(1, timeoutMillis / 4);
    sweeper.scheduleWithFixedDelay(this::sweep, period, period, TimeUnit.MILLISECONDS);
  }

  @Override
  public void prologue(ConnectionContext ctx, HttpPrologue prologue) {
    deadlines.put(Thread.currentThread(), System.nanoTime() + timeoutNanos);
  }

  @Override
  public void headers(ConnectionContext ctx, Headers headers) {
    deadlines.remove(Thread.currentThread());
  }

  private void sweep() {
    long now = System.nanoTime();
    deadlines.forEach((thread, deadline) -> {
      if (now - deadline > 0 && deadlines.remove(thread, deadline)) {
        if (thread.isAlive()) {
          LOG.debug("dropping a connection whose request header did not complete in {} ms",
              TimeUnit.NANOSECONDS.toMillis(timeoutNanos));
          thread.interrupt();
        }
      }
    });
  }

  @Override
  public void close() {
    sweeper.shutdownNow();
  }
}
