package dev.kindred.math;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicIntegerArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class WorkerPoolTest {

  @ParameterizedTest
  @CsvSource({"1, 1", "1, 13", "3, 1", "3, 2", "3, 207"})
  void forEachSharedRunsEveryIndexOnceOnAWorkerBelowTheThreadCount(int threads, int count) {
    AtomicIntegerArray runs = new AtomicIntegerArray(count);
    AtomicIntegerArray badWorker = new AtomicIntegerArray(1);
    int workers = Math.min(threads, count);
    try (WorkerPool pool = WorkerPool.create(threads, "test-shared")) {
      pool.forEachShared(count, (w, i) -> {
        runs.incrementAndGet(i);
        if (w < 0 || w >= workers) badWorker.set(0, 1);
      });
    }
    for (int i = 0; i < count; i++) {
      assertThat(runs.get(i)).as("runs of index %d", i).isEqualTo(1);
    }
    assertThat(badWorker.get(0)).as("a worker id outside [0, %d)", workers).isZero();
  }

  @Test
  void forEachSharedWithNoIndicesRunsNothing() {
    try (WorkerPool pool = WorkerPool.create(2, "test-shared")) {
      pool.forEachShared(0, (w, i) -> {
        throw new AssertionError("ran index " + i);
      });
    }
  }

  @Test
  void forEachSharedRethrowsATaskFailureOnTheCaller() {
    try (WorkerPool pool = WorkerPool.create(2, "test-shared")) {
      assertThatThrownBy(() -> pool.forEachShared(50, (w, i) -> {
        if (i == 17) throw new IllegalArgumentException("index 17");
      })).isInstanceOf(IllegalArgumentException.class).hasMessage("index 17");
    }
  }
}
