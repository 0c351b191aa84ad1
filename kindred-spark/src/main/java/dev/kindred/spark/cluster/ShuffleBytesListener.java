package dev.kindred.spark.cluster;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeoutException;
import org.apache.spark.SparkContext;
import org.apache.spark.executor.ShuffleReadMetrics;
import org.apache.spark.executor.ShuffleWriteMetrics;
import org.apache.spark.executor.TaskMetrics;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/**
 * Sums the shuffle traffic of every task that ends, in total and per stage: bytes written by map
 * tasks, bytes read by reduce tasks, and of those the bytes fetched from another executor (remote)
 * or served by the same one (local). Failed and retried tasks count too: they are traffic the
 * cluster carried.
 *
 * <p>Use: {@link #register(SparkContext)}, take a {@link #snapshot()} before and after the work to
 * measure (for example one ALS iteration) and subtract. Spark delivers listener events
 * asynchronously; {@code snapshot} first waits until the listener bus has delivered every event
 * posted so far.
 *
 * <p>Thread-safety: Spark calls {@link #onTaskEnd} from its listener thread while the driver reads
 * snapshots; both are synchronized on this listener. Cost: one map entry per stage.
 */
public final class ShuffleBytesListener extends SparkListener {

  /**
   * Shuffle traffic summed over tasks.
   *
   * @param writeBytes bytes map tasks wrote to shuffle files
   * @param readBytes bytes reduce tasks read (remote + local)
   * @param remoteReadBytes bytes fetched from another executor's block manager
   * @param localReadBytes bytes read from the same executor
   * @param recordsRead shuffle records read
   * @param tasks tasks counted
   */
  public record Totals(long writeBytes, long readBytes, long remoteReadBytes, long localReadBytes, long recordsRead,
      long tasks) {

    public static final Totals ZERO = new Totals(0, 0, 0, 0, 0, 0);

    /** This minus {@code earlier}: the traffic between two snapshots. */
    public Totals minus(Totals earlier) {
      return new Totals(writeBytes - earlier.writeBytes, readBytes - earlier.readBytes,
          remoteReadBytes - earlier.remoteReadBytes, localReadBytes - earlier.localReadBytes,
          recordsRead - earlier.recordsRead, tasks - earlier.tasks);
    }

    Totals plus(ShuffleWriteMetrics w, ShuffleReadMetrics r) {
      return new Totals(writeBytes + w.bytesWritten(), readBytes + r.totalBytesRead(),
          remoteReadBytes + r.remoteBytesRead(), localReadBytes + r.localBytesRead(), recordsRead + r.recordsRead(),
          tasks + 1);
    }
  }

  private final SparkContext context;
  private Totals total = Totals.ZERO;
  private final Map<Integer, Totals> perStage = new TreeMap<>();

  private ShuffleBytesListener(SparkContext context) {
    this.context = context;
  }

  /** A new listener, registered on {@code context}. */
  public static ShuffleBytesListener register(SparkContext context) {
    ShuffleBytesListener l = new ShuffleBytesListener(context);
    context.addSparkListener(l);
    return l;
  }

  @Override
  public void onTaskEnd(SparkListenerTaskEnd end) {
    TaskMetrics m = end.taskMetrics();
    if (m == null) return;
    synchronized (this) {
      total = total.plus(m.shuffleWriteMetrics(), m.shuffleReadMetrics());
      perStage.merge(end.stageId(), Totals.ZERO.plus(m.shuffleWriteMetrics(), m.shuffleReadMetrics()),
          ShuffleBytesListener::sum);
    }
  }

  /** The totals so far, after every event already posted has been delivered. */
  public Totals snapshot() {
    drain();
    synchronized (this) {
      return total;
    }
  }

  /** Per stage id, the totals so far (a copy), after every event already posted has been delivered. */
  public Map<Integer, Totals> perStage() {
    drain();
    synchronized (this) {
      return new TreeMap<>(perStage);
    }
  }

  private void drain() {
    try {
      // LiveListenerBus is private[spark] in Scala, public in bytecode; waitUntilEmpty is its test hook.
      context.listenerBus().waitUntilEmpty(60_000L);
    } catch (TimeoutException e) {
      throw new IllegalStateException("ShuffleBytesListener: Spark's listener bus did not drain in 60 s", e);
    }
  }

  private static Totals sum(Totals a, Totals b) {
    return new Totals(a.writeBytes + b.writeBytes, a.readBytes + b.readBytes, a.remoteReadBytes + b.remoteReadBytes,
        a.localReadBytes + b.localReadBytes, a.recordsRead + b.recordsRead, a.tasks + b.tasks);
  }
}
