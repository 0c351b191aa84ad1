package dev.kindred.serve.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The consumer's rate cap on a simulated clock: no sleeping, no wall time asserted. */
class EventPacerTest {

  @Test
  void withoutACapEveryBatchIsDueAtOnce() {
    EventPacer p = new EventPacer(0);
    assertThat(p.taken(5000, 0)).isZero();
    assertThat(p.taken(5000, 1)).isZero();
  }

  @Test
  void aBacklogIsTakenAtTheCapOnAverage() {
    EventPacer p = new EventPacer(20_000);
    long now = 0;
    long events = 0;
    // Batches of 1000 as fast as the pacer allows, each taking 1 ms of work: 20 s of simulated time.
    while (now < 20_000_000_000L) {
      now += 1_000_000L;
      long wait = p.taken(1000, now);
      events += 1000;
      now += wait;
    }
    double rate = events / (now / 1e9);
    assertThat(rate).isCloseTo(20_000, org.assertj.core.data.Percentage.withPercentage(1));
  }

  @Test
  void aSlowBatchIsMadeUpByTheNextOnesButIdleTimeBanksAtMostTheBurstWindow() {
    EventPacer p = new EventPacer(10_000); // 0.1 ms per event
    assertThat(p.taken(100, 0)).isEqualTo(10_000_000L); // 100 events: due 10 ms later
    // The next batch comes 15 ms in (5 ms late): it is due 10 ms after the last due time, 5 ms from now.
    assertThat(p.taken(100, 15_000_000L)).isEqualTo(5_000_000L);
    // After 10 s idle, the schedule restarts BURST_MILLIS behind the clock: 100 ms of credit, no more.
    long later = 10_000_000_000L;
    assertThat(p.taken(1000, later)).isZero(); // 1000 events = 100 ms, all of the credit
    assertThat(p.taken(100, later)).isEqualTo(10_000_000L);
  }

  @Test
  void aNegativeRateIsRefused() {
    assertThatThrownBy(() -> new EventPacer(-1)).hasMessageContaining("rate must be >= 0");
    assertThatThrownBy(() -> KafkaSourceConfig.DEFAULTS.withMaxEventsPerSecond(-5))
        .hasMessageContaining("maxEventsPerSecond must be >= 0");
  }

  @Test
  void aCappedConsumerAsksForFiftyMillisecondsOfItsCapPerPoll() {
    assertThat(KafkaSourceConfig.DEFAULTS.withMaxEventsPerSecond(20_000).recordsPerPoll()).isEqualTo(1000);
    assertThat(KafkaSourceConfig.DEFAULTS.withMaxEventsPerSecond(0).recordsPerPoll()).isEqualTo(5000);
    assertThat(KafkaSourceConfig.DEFAULTS.withMaxEventsPerSecond(10).recordsPerPoll()).isEqualTo(1);
  }
}
