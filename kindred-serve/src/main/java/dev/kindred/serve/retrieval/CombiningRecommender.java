package dev.kindred.serve.retrieval;

import dev.kindred.core.FactorRecommender;
import dev.kindred.core.RecommendOptions;
import dev.kindred.core.Recommender;
import dev.kindred.core.ScoredItems;
import java.util.Objects;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * Exact retrieval that combines concurrent single-user requests into one blocked pass.
 *
 * <p>Why: exact top-K for one user reads every item factor once ({@code items * k * 4} bytes, 25 MB
 * at 100k items and k = 64) for only {@code 2 * k} flops per item, so a lone request is bound by
 * memory bandwidth, not arithmetic. {@link FactorRecommender#recommendVectors} scores a batch of
 * users per pass over the packed items, so a batch of 4 costs little more than one request.
 *
 * <p>How (flat combining): a request puts its query on a shared queue, then tries to take one of
 * {@code parallelism} scoring slots. The taker (a "combiner") drains up to {@code maxBatch} queued
 * queries, its own usually among them, scores them in one pass, hands each its result and wakes its
 * thread. A request that finds every slot busy parks until a combiner has answered it or, on
 * leaving, wakes it to combine the next batch. With no concurrency a request combines a batch of one
 * at once, so an idle server adds no waiting; under load, batches grow with the queue, and the work
 * per request falls exactly when the server is busiest. No request waits on a timer.
 *
 * <p>Requests with a candidate list, batch calls and similar items go straight to the wrapped
 * recommender. Results equal the wrapped recommender's up to float rounding. Thread-safe.
 */
public final class CombiningRecommender implements Recommender {

  private final FactorRecommender exact;
  private final int maxBatch;
  private final Semaphore slots;
  private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();
  private final LongAdder requests = new LongAdder();
  private final LongAdder batches = new LongAdder();

  /**
   * @param parallelism how many batches may be scored at once (normally the core count)
   * @param maxBatch most queries in one pass
   */
  public CombiningRecommender(FactorRecommender exact, int parallelism, int maxBatch) {
    this.exact = Objects.requireNonNull(exact, "exact");
    if (parallelism < 1 || maxBatch < 1) {
      throw new IllegalArgumentException("parallelism and maxBatch must be >= 1, got " + parallelism + " and " + maxBatch);
    }
    this.maxBatch = maxBatch;
    this.slots = new Semaphore(parallelism);
  }

  /** The wrapped exact recommender. */
  public FactorRecommender exact() {
    return exact;
  }

  @Override
  public ScoredItems recommend(int user, int k, RecommendOptions options) {
    FactorRecommender.Query q = exact.queryForUser(user, k, options);
    return q.options().candidates() != null ? exact.recommend(q) : combine(q);
  }

  @Override
  public ScoredItems recommendFromHistory(int[] items, float[] values, int k, RecommendOptions options) {
    FactorRecommender.Query q = exact.queryForHistory(items, values, k, options); // fold-in on this thread
    return q.options().candidates() != null ? exact.recommend(q) : combine(q);
  }

  @Override
  public ScoredItems[] recommendAll(int[] users, int k, RecommendOptions options, int threads) {
    return exact.recommendAll(users, k, options, threads);
  }

  @Override
  public ScoredItems similarItems(int item, int k) {
    return exact.similarItems(item, k);
  }

  @Override
  public float[] scoreFromHistory(int[] items, float[] values, int[] candidates) {
    return exact.scoreFromHistory(items, values, candidates);
  }

  /** Requests combined so far. */
  public long requests() {
    return requests.sum();
  }

  /** Passes over the items so far; {@code requests() / batches()} is the mean batch size. */
  public long batches() {
    return batches.sum();
  }

  private ScoredItems combine(FactorRecommender.Query q) {
    Pending me = new Pending(q, Thread.currentThread());
    queue.add(me);
    while (me.result == null && me.failure == null) {
      if (slots.tryAcquire()) {
        try {
          scoreOneBatch();
        } finally {
          releaseSlotAndWake();
        }
      } else {
        LockSupport.park(this); // woken by the combiner that answers us, or one that leaves a slot
      }
    }
    if (me.failure != null) {
      throw me.failure;
    }
    return me.result;
  }

  private void scoreOneBatch() {
    Pending[] batch = new Pending[maxBatch];
    int n = 0;
    for (Pending p; n < maxBatch && (p = queue.poll()) != null; ) batch[n++] = p;
    if (n == 0) return;
    FactorRecommender.Query[] queries = new FactorRecommender.Query[n];
    for (int j = 0; j < n; j++) queries[j] = batch[j].query;
    try {
      ScoredItems[] out = exact.recommendVectors(queries, n);
      for (int j = 0; j < n; j++) batch[j].result = out[j];
    } catch (RuntimeException e) {
      // Queries are validated when made, so this is unexpected: answer each alone, so that one bad
      // query fails only its own request.
      for (int j = 0; j < n; j++) {
        try {
          batch[j].result = exact.recommend(queries[j]);
        } catch (RuntimeException alone) {
          batch[j].failure = alone;
        }
      }
    }
    requests.add(n);
    batches.increment();
    for (int j = 0; j < n; j++) LockSupport.unpark(batch[j].thread);
  }

  /**
   * Frees a scoring slot, then wakes the thread of the oldest query still queued, if any, so that it
   * combines the next batch (its own request may be parked, having found every slot busy).
   */
  void releaseSlotAndWake() {
    slots.release();
    Pending next = queue.peek();
    if (next != null) LockSupport.unpark(next.thread);
  }

  /** Queries waiting for a combiner (for tests). */
  int queued() {
    return queue.size();
  }

  /** The scoring slots (for tests, which hold one to make requests queue up). */
  Semaphore slots() {
    return slots;
  }

  private static final class Pending {
    final FactorRecommender.Query query;
    final Thread thread;
    volatile ScoredItems result;
    volatile RuntimeException failure;

    Pending(FactorRecommender.Query query, Thread thread) {
      this.query = query;
      this.thread = thread;
    }
  }
}
