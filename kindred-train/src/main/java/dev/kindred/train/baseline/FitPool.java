package dev.kindred.train.baseline;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

/** Runs one fit's parallel loop on a pool created for the call and closed before returning. */
final class FitPool {

  private FitPool() {}

  /**
   * Runs {@code threads} workers from {@code workers} (one call each, so each owns its scratch)
   * and waits for all; a worker's exception is rethrown.
   */
  static void run(Supplier<Runnable> workers, int threads, String name) {
    if (threads <= 1) {
      workers.get().run();
      return;
    }
    ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
      Thread th = new Thread(r, name);
      th.setDaemon(true);
      return th;
    });
    try {
      List<Future<?>> fs = new ArrayList<>();
      for (int t = 0; t < threads; t++) fs.add(pool.submit(workers.get()));
      for (Future<?> f : fs) f.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("training interrupted", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException re) throw re;
      throw new IllegalStateException("training failed", e.getCause());
    } finally {
      pool.shutdownNow();
    }
  }
}
