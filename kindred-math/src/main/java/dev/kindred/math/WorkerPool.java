package dev.kindred.math;

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
 * A fixed pool of daemon platform threads owned by one call: created at the call's start, closed
 * in its {@code finally} (try-with-resources). With one thread, tasks run on the caller and no
 * thread is made. A task's failure is rethrown on the caller (the lowest-numbered failed task's),
 * unwrapped: a {@link RuntimeException} or {@link Error} as itself, an {@link IOException} as an
 * {@link UncheckedIOException} from {@link #compute} or as itself from {@link #run}.
 *
 * <p>This is the one place Kindred makes worker threads for a computation (training loops,
 * kernels, readers), so every caller gets the same naming, daemon status, error propagation and
 * shutdown. Typical use, one worker per thread owning its scratch:
 *
 * <pre>{@code
 * try (WorkerPool pool = WorkerPool.create(threads, "kindred-ials")) {
 *   pool.compute(pool.threads(), t -> { float[] scratch = new float[k]; ... });
 * }
 * }</pre>
 *
 * <p>Not thread-safe: one caller submits and waits. Tasks of one {@link #run} may run concurrently.
 */
public final class WorkerPool implements AutoCloseable {

  /** A task that may fail with an I/O error. */
  @FunctionalInterface
  public interface IoTask {
    void run(int index) throws IOException;
  }

  /** A task of {@link #forEachShared}: index {@code index}, run by worker {@code worker}. */
  @FunctionalInterface
  public interface SharedTask {
    void run(int worker, int index);
  }

  private static final AtomicInteger POOLS = new AtomicInteger();

  private final ExecutorService pool;
  private final int threads;

  private WorkerPool(int threads, String name) {
    this.threads = threads;
    if (threads == 1) {
      pool = null;
    } else {
      int id = POOLS.incrementAndGet();
      AtomicInteger n = new AtomicInteger();
      pool = Executors.newFixedThreadPool(threads, r -> {
        Thread t = new Thread(r, name + "-" + id + "-" + n.incrementAndGet());
        t.setDaemon(true);
        return t;
      });
    }
  }

  /**
   * A pool of {@code threads} workers whose threads are named {@code name-POOL-N}.
   *
   * @throws IllegalArgumentException if {@code threads < 1}
   */
  public static WorkerPool create(int threads, String name) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be >= 1, got " + threads);
    }
    return new WorkerPool(threads, name);
  }

  public int threads() {
    return threads;
  }

  /** Runs {@code task(0 .. count-1)} and waits for all of them; the first failure is rethrown. */
  public void run(int count, IoTask task) throws IOException {
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
          // Others may wait on a barrier the failed task will never reach.
          futures.forEach(x -> x.cancel(true));
        }
      } catch (java.util.concurrent.CancellationException e) {
        // cancelled after an earlier failure, which is rethrown below
      } catch (InterruptedException e) {
        futures.forEach(x -> x.cancel(true));
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while waiting for workers");
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

  /** {@link #run} for tasks that do no I/O; an interrupt becomes an {@link IllegalStateException}. */
  public void compute(int count, IntConsumer task) {
    try {
      run(count, task::accept);
    } catch (InterruptedIOException e) {
      throw new IllegalStateException("interrupted", e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Runs {@code body(t)} once per thread {@code t = 0 .. threads-1} (each owns its scratch). */
  public void forEachThread(IntConsumer body) {
    compute(threads, body);
  }

  /**
   * Runs {@code task(w, i)} for every {@code i} in {@code [0, count)}: {@code min(threads, count)}
   * workers take indices in increasing order from one shared counter, so tasks of uneven cost
   * balance and the number of submitted tasks stays at the thread count. Worker {@code w} may use
   * scratch slot {@code w}; which worker runs which index depends on timing, so a result must not
   * depend on it. Failures as in {@link #compute}.
   */
  public void forEachShared(int count, SharedTask task) {
    if (count <= 0) {
      return;
    }
    AtomicInteger next = new AtomicInteger();
    compute(Math.min(threads, count), w -> {
      for (int i; (i = next.getAndIncrement()) < count; ) {
        task.run(w, i);
      }
    });
  }

  @Override
  public void close() {
    if (pool != null) {
      pool.shutdownNow();
    }
  }
}
