package dev.kindred.spark.sgd;

/**
 * The driver's copy of the parameters under {@link SyncMode#ASYNC}, with the stale synchronous
 * parallel clock rule (Ho et al., "More effective distributed ML via a stale synchronous parallel
 * parameter server", NIPS 2013). Partition {@code p}'s clock is the number of rounds it has
 * merged; it may start round {@code c} only when {@code c - min_q clock_q <= staleness}. Merges are
 * applied as they arrive and never wait. Thread-safe (one monitor; a merge is a dense add).
 */
final class ParameterServer {

  /** Parameters a partition read, and the merge count when it read them. */
  record Read(Params params, long version, int clockGap) {}

  private final Params params;
  private final int[] clock;
  private final int staleness;
  private long version;
  private int maxClockGap;
  private long maxMergeLag;
  private boolean failed;

  ParameterServer(Params params, int partitions, int staleness) {
    this.params = params;
    this.clock = new int[partitions];
    this.staleness = staleness;
  }

  /** Blocks until partition {@code p} may start round {@code c}, then returns a copy of the parameters. */
  synchronized Read awaitRound(int p, int c) throws InterruptedException {
    while (!failed && c - minClock() > staleness) wait();
    if (failed) throw new IllegalStateException("another partition's round failed");
    int gap = c - minClock();
    maxClockGap = Math.max(maxClockGap, gap);
    return new Read(params.copy(), version, gap);
  }

  /** Adds partition {@code p}'s delta computed from the parameters of merge {@code readVersion}. */
  synchronized long merge(int p, ParamDelta d, long readVersion) {
    maxMergeLag = Math.max(maxMergeLag, version - readVersion);
    d.addTo(params);
    version++;
    clock[p]++;
    notifyAll();
    return version;
  }

  synchronized void fail() {
    failed = true;
    notifyAll();
  }

  synchronized Params snapshot() {
    return params.copy();
  }

  synchronized SyncStats stats() {
    return new SyncStats(version, maxClockGap, maxMergeLag);
  }

  private int minClock() {
    int m = Integer.MAX_VALUE;
    for (int c : clock) m = Math.min(m, c);
    return m;
  }
}
