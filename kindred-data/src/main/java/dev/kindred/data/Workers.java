package dev.kindred.data;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * A fixed pool of platform threads owned by one call (created at its start, closed in its
 * {@code finally}); with one thread, tasks run on the caller. Failures are rethrown on the
 * caller, the lowest-numbered task's first.
 */
final class Workers implements AutoCloseable {

  @FunctionalInterface
  interface IoTask {
    void run(int index) throws IOException;
  }

  private static final AtomicInteger POOLS = new AtomicInteger();

  private final ExecutorService pool;
  private final int threads;

  private Workers(int threads) {
    this.threads = threads;
    if (threads == 1) {
      pool = null;
    } else {
      int id = POOLS.incrementAndGet();
      AtomicInteger n = new AtomicInteger();
      pool = Executors.newFixedThreadPool(threads, r -> {
        Thread t = new Thread(r, "kindred-data-" + id + "-" + n.incrementAndGet());
        t.setDaemon(true);
        return t;
      });
    }
  }

  static Workers create(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    }
    return new Workers(threads);
  }

  int threads() {
    return threads;
  }

  /** Runs {@code task(0 .. count-1)} and waits for all of them. */
  void run(int count, IoTask task) throws IOException {
    if (pool == null || count <= 1) {
      for (int i = 0; i < count; i++) {
        task.run(i);
      }
      return;
    }
    List<Future<?>> futures = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      int index = i;
      futures.add(pool.submit(() -> {
        task.run(index);
        return null;
      }));
    }
    Throwable first = null;
    for (Future<?> f : futures) {
      try {
        f.get();
      } catch (ExecutionException e) {
        if (first == null) {
          first = e.getCause();
        }
      } catch (InterruptedException e) {
        futures.forEach(x -> x.cancel(true));
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while reading");
      }
    }
    switch (first) {
      case null -> { }
      case IOException e -> throw e;
      case RuntimeException e -> throw e;
      case Error e -> throw e;
      default -> throw new IllegalStateException(first);
    }
  }

  /** {@link #run} for tasks that do no I/O. */
  void compute(int count, IntConsumer task) {
    try {
      run(count, task::accept);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    if (pool != null) {
      pool.shutdownNow();
    }
  }
}
