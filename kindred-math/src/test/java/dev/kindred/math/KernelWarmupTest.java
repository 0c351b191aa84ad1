package dev.kindred.math;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The warm-up touches nothing shared: it finishes, on a daemon thread, with a finite result. */
class KernelWarmupTest {

  @Test
  void runsToTheEndWithFiniteResults() {
    assertThat(Float.isFinite(KernelWarmup.run())).isTrue();
  }

  @Test
  void backgroundThreadIsADaemonThatFinishes() throws InterruptedException {
    Thread t = KernelWarmup.startInBackground();
    assertThat(t.isDaemon()).isTrue();
    assertThat(t.getName()).isEqualTo("kindred-kernel-warmup");
    t.join(120_000);
    assertThat(t.isAlive()).as("still warming after two minutes").isFalse();
  }
}
