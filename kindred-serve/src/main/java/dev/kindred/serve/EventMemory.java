package dev.kindred.serve;

import dev.kindred.core.Interactions;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * The users' events since the serving model's training cut-off, in item indices of that model,
 * held in bounded memory: each user keeps their last {@link ServeConfig#maxEventsPerUser} events
 * (older ones are dropped first), and when all users together hold more than
 * {@link ServeConfig#maxEventsTotal}, the users who acted least recently lose all their held
 * events. Nothing is dropped from the event log: an evicted event still reaches the next training;
 * until then the user's list is folded in from the events still held (an evicted user is served
 * by the model alone). Evictions are counted in {@link Evictions}, shared by the states of one
 * server and exposed in {@code /metrics}.
 *
 * <p>Thread-safety: {@link #get} is lock-free (a concurrent map) and a {@link UserEvents} is
 * synchronised on itself; {@link #add} is serialised on this object, which also guards the
 * least-recently-active order and the total.
 */
final class EventMemory {

  /** What bounded memory dropped since start-up, over every serving state. */
  static final class Evictions {
    /** Events dropped because their user held {@code maxEventsPerUser} newer ones. */
    final LongAdder perUser = new LongAdder();
    /** Events dropped with their user when the total passed {@code maxEventsTotal}. */
    final LongAdder total = new LongAdder();
    /** Users whose held events were all dropped when the total passed {@code maxEventsTotal}. */
    final LongAdder users = new LongAdder();
  }

  private final int perUserCap;
  private final long totalCap;
  private final Evictions evictions;
  private final ConcurrentHashMap<String, UserEvents> users = new ConcurrentHashMap<>();
  private final LinkedHashMap<String, UserEvents> byActivity = new LinkedHashMap<>(16, 0.75f, true); // guarded by this
  private long held; // guarded by this

  EventMemory(ServeConfig limits, Evictions evictions) {
    this.perUserCap = limits.maxEventsPerUser();
    this.totalCap = limits.maxEventsTotal();
    this.evictions = evictions;
  }

  /** The events held for {@code user}, or null. */
  UserEvents get(String user) {
    return users.get(user);
  }

  boolean holds(String user) {
    return users.containsKey(user);
  }

  /** Users with events held. */
  int users() {
    return users.size();
  }

  /** Events held over all users. */
  synchronized long held() {
    return held;
  }

  /** Appends an event to {@code user}'s, then evicts what the caps ask for. */
  synchronized void add(String user, int item, float value) {
    UserEvents e = byActivity.get(user); // marks the user most recently active
    if (e == null) {
      e = new UserEvents(perUserCap);
      byActivity.put(user, e);
      users.put(user, e);
    }
    if (e.add(item, value)) {
      evictions.perUser.increment();
    } else {
      held++;
    }
    Iterator<java.util.Map.Entry<String, UserEvents>> oldest = byActivity.entrySet().iterator();
    while (held > totalCap && oldest.hasNext()) {
      java.util.Map.Entry<String, UserEvents> victim = oldest.next();
      if (victim.getValue() == e) break; // the user just served keeps their events
      int n = victim.getValue().size();
      oldest.remove();
      users.remove(victim.getKey());
      held -= n;
      evictions.total.add(n);
      evictions.users.increment();
    }
  }

  /** A user's last events: item indices and values in arrival order, at most {@code cap}. */
  static final class UserEvents {
    private final int cap;
    private int[] items = new int[4];
    private float[] values = new float[4];
    private int n;

    UserEvents(int cap) {
      this.cap = cap;
    }

    /** Appends; returns true when the oldest event was dropped to stay within the cap. */
    synchronized boolean add(int item, float value) {
      boolean dropped = n == cap;
      if (dropped) {
        System.arraycopy(items, 1, items, 0, n - 1);
        System.arraycopy(values, 1, values, 0, n - 1);
        n--;
      } else if (n == items.length) {
        int grown = (int) Math.min(cap, 2L * n);
        items = Arrays.copyOf(items, grown);
        values = Arrays.copyOf(values, grown);
      }
      items[n] = item;
      values[n] = value;
      n++;
      return dropped;
    }

    synchronized int size() {
      return n;
    }

    /** The history to fold in: training items (if any) followed by the events, later values winning. */
    synchronized int[][] merged(Interactions seen, int user, float[][] valuesOut) {
      LinkedHashMap<Integer, Float> m = new LinkedHashMap<>();
      if (seen != null && user >= 0 && user < seen.numUsers()) {
        int[] ptr = seen.userPtr();
        for (int j = ptr[user]; j < ptr[user + 1]; j++) m.put(seen.itemIdx()[j], seen.values()[j]);
      }
      for (int j = 0; j < n; j++) m.put(items[j], values[j]);
      int[] it = new int[m.size()];
      float[] va = new float[m.size()];
      int x = 0;
      for (var e : m.entrySet()) {
        it[x] = e.getKey();
        va[x++] = e.getValue();
      }
      valuesOut[0] = va;
      return new int[][] {it};
    }
  }
}
