package dev.kindred.spark.sgd;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The ASYNC staleness rule without Spark: a fast and a slow partition (the slow one sleeps 5 ms a
 * round) against one {@link ParameterServer}. The test keeps its own count of the slow partition's
 * merges (updated atomically with each merge), so the bound it checks does not rely on the
 * server's bookkeeping; the fast partition reads that count microseconds after being let through,
 * while the slow one needs 5 ms per round, so a round let through too early would show.
 */
class ParameterServerTest {

  static Params tiny() {
    return new Params(new FactorBlock(0, 1, 1, 1, new float[] {0f}, null),
        new FactorBlock(0, 1, 1, 1, new float[] {0f}, null));
  }

  static ParamDelta plusOne() {
    RowDelta one = new RowDelta(1, new int[] {0}, new float[] {1f}, null);
    return new ParamDelta(one, one, 0, 1);
  }

  @Test
  void aFastPartitionRunsAtMostStalenessRoundsAheadOfTheSlowOne() throws Exception {
    for (int staleness : new int[] {0, 2}) {
      int rounds = 12;
      ParameterServer server = new ParameterServer(tiny(), 2, staleness);
      AtomicInteger slowMerged = new AtomicInteger();
      Object counted = new Object();
      AtomicInteger maxLead = new AtomicInteger();
      ExecutorService pool = Executors.newFixedThreadPool(2);
      try {
        Future<?> fast = pool.submit(() -> {
          for (int c = 0; c < rounds; c++) {
            ParameterServer.Read read = server.awaitRound(0, c);
            int lead;
            synchronized (counted) { // rounds started ahead of the slow partition's merges
              lead = c - slowMerged.get();
            }
            maxLead.accumulateAndGet(lead, Math::max);
            server.merge(0, plusOne(), read.version());
          }
          return null;
        });
        Future<?> slow = pool.submit(() -> {
          for (int c = 0; c < rounds; c++) {
            ParameterServer.Read read = server.awaitRound(1, c);
            Thread.sleep(5);
            synchronized (counted) { // the merge and the test's count move together
              server.merge(1, plusOne(), read.version());
              slowMerged.incrementAndGet();
            }
          }
          return null;
        });
        fast.get(30, TimeUnit.SECONDS);
        slow.get(30, TimeUnit.SECONDS);
      } finally {
        pool.shutdownNow();
      }
      // The fast partition was held back: never more than `staleness` rounds ahead, and it got there.
      assertThat(maxLead.get()).as("staleness %d", staleness).isEqualTo(staleness);
      SyncStats stats = server.stats();
      assertThat(stats.maxClockGap()).isEqualTo(staleness);
      assertThat(stats.merges()).isEqualTo(2L * rounds);
      assertThat(stats.maxMergeLag()).isLessThanOrEqualTo(2L * staleness + 1);
      // Every merge was applied: 24 additions of 1 to each parameter.
      assertThat(server.snapshot().users().factors[0]).isEqualTo(2f * rounds);
    }
  }
}
