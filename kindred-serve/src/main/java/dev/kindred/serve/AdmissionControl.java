package dev.kindred.serve;

import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bounds the work in flight: {@code maxInFlight} slots, at most {@code maxQueued} requests waiting
 * for one, each for at most the queue timeout; anything beyond is refused at once (the caller
 * answers 503), so no queue grows without bound and an overloaded server answers fast instead of
 * late. The fast path is one uncontended {@link Semaphore#tryAcquire()}.
 *
 * <p>Thread-safe.
 */
final class AdmissionControl {

  /** What {@link #enter()} decided. */
  enum Outcome {
    ADMITTED,
    /** Refused without waiting: {@code maxQueued} requests already wait. */
    QUEUE_FULL,
    /** Waited the queue timeout without a slot freeing. */
    TIMED_OUT
  }

  private final int maxInFlight;
  private final int maxQueued;
  private final long timeoutNanos;
  private final Semaphore slots;
  private final AtomicInteger waiting = new AtomicInteger();

  AdmissionControl(OperationsConfig ops) {
    this.maxInFlight = ops.maxInFlight();
    this.maxQueued = ops.maxQueued();
    this.timeoutNanos = TimeUnit.MILLISECONDS.toNanos(ops.queueTimeoutMillis());
    this.slots = new Semaphore(maxInFlight);
  }

  /** Takes a slot, waiting within the bounds; after {@link Outcome#ADMITTED} call {@link #exit()}. */
  Outcome enter() {
    if (slots.tryAcquire()) return Outcome.ADMITTED;
    if (timeoutNanos == 0) return Outcome.TIMED_OUT;
    if (waiting.incrementAndGet() > maxQueued) {
      waiting.decrementAndGet();
      return Outcome.QUEUE_FULL;
    }
    try {
      return slots.tryAcquire(timeoutNanos, TimeUnit.NANOSECONDS) ? Outcome.ADMITTED : Outcome.TIMED_OUT;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Outcome.TIMED_OUT;
    } finally {
      waiting.decrementAndGet();
    }
  }

  void exit() {
    slots.release();
  }

  int inFlight() {
    return maxInFlight - slots.availablePermits();
  }

  int waiting() {
    return waiting.get();
  }

  int maxInFlight() {
    return maxInFlight;
  }
}
