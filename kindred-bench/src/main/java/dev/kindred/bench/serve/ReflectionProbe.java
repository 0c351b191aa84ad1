package dev.kindred.bench.serve;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.HdrHistogram.Histogram;

/**
 * How soon an event changes its user's recommendations. For each of {@code --reflect-users}
 * distinct users (after {@code --reflect-warmup} users probed the same way and not recorded, so
 * that the server's event and fold-in paths are compiled), one at a time: read the user's top-k, POST an event for the current top item,
 * then poll the user's list until that item is gone (an item the user has acted on is excluded
 * as seen, and the fold-in re-ranks the rest). Reports the distribution of the acknowledgement
 * time (event POST round trip; with {@code --fsync always} it includes the server's fsync) and of
 * the time to reflection (event send to the end of the first poll whose list reflects it; the
 * part after the acknowledgement is reported as the reflecting read), and the share reflected
 * within 10 ms. A user whose list never reflects the event within 5 s counts as
 * not reflected.
 *
 * <p>Single-threaded; it adds one request at a time, so run it on an otherwise idle server, or
 * beside a {@code load} run to see reflection under load.
 */
final class ReflectionProbe {

  private static final long GIVE_UP_NANOS = 5_000_000_000L;
  private static final long TARGET_NANOS = 10_000_000L;

  private ReflectionProbe() {}

  static Map<String, Object> run(KindredClient client, Workload work, LoadOptions o) throws IOException {
    List<String> users = work.distinctUsers(o.reflectWarmup() + o.reflectUsers(), new SplittableRandom(o.seed()));
    java.util.Collections.shuffle(users, new java.util.Random(o.seed())); // warm-up users are not the lowest ranks
    Histogram ack = Latencies.histogram();
    Histogram reflected = Latencies.histogram();
    Histogram read = Latencies.histogram();
    int warm = Math.min(o.reflectWarmup(), Math.max(0, users.size() - o.reflectUsers()));
    long polls = 0;
    long maxPolls = 0;
    int skipped = 0;
    int failedAcks = 0;
    int notReflected = 0;
    int withinTarget = 0;
    for (int x = 0; x < users.size(); x++) {
      String user = users.get(x);
      if (x == warm) { // warm-up done: from here on, everything counts
        ack.reset();
        reflected.reset();
        read.reset();
        polls = maxPolls = 0;
        skipped = failedAcks = notReflected = withinTarget = 0;
      }
      KindredClient.Reply before = client.recommend(user, o.k());
      if (!before.ok() || before.items().isEmpty()) {
        skipped++;
        continue;
      }
      String top = before.items().get(0);
      long t0 = System.nanoTime();
      KindredClient.Reply a = client.events(List.of(new KindredClient.Event(user, top, 1f)));
      long t1 = System.nanoTime();
      if (!a.ok() || a.body() == null || a.body().path("accepted").asInt() != 1) {
        failedAcks++;
        continue;
      }
      Latencies.record(ack, t1 - t0);
      long userPolls = 0;
      long t2 = -1;
      while (System.nanoTime() - t0 < GIVE_UP_NANOS) {
        KindredClient.Reply r = client.recommend(user, o.k());
        userPolls++;
        if (r.ok() && !r.items().contains(top)) {
          t2 = System.nanoTime();
          break;
        }
      }
      polls += userPolls;
      maxPolls = Math.max(maxPolls, userPolls);
      if (t2 < 0) {
        notReflected++;
        continue;
      }
      Latencies.record(reflected, t2 - t0);
      Latencies.record(read, t2 - t1);
      if (t2 - t0 <= TARGET_NANOS) withinTarget++;
    }
    long probed = reflected.getTotalCount() + notReflected;
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("mode", "reflect");
    m.put("url", o.url().toString());
    m.put("k", o.k());
    m.put("users_probed", probed);
    m.put("users_skipped", skipped);
    m.put("failed_acks", failedAcks);
    m.put("not_reflected", notReflected);
    m.put("reflected_within_10ms", withinTarget);
    m.put("mean_polls", probed == 0 ? 0 : Math.round(100.0 * polls / probed) / 100.0);
    m.put("max_polls", maxPolls);
    m.put("ack", Latencies.summary(ack));
    m.put("time_to_reflected", Latencies.summary(reflected));
    m.put("reflecting_read", Latencies.summary(read));
    m.put("warmup_users", warm);
    m.put("text", List.of(
        String.format("reflect: %s, k %d: %d users probed after %d warm-up users (%d skipped: no list; %d failed acks), "
            + "%d not reflected in 5 s", o.url(), o.k(), probed, warm, skipped, failedAcks, notReflected),
        "event ack: " + Latencies.line(ack),
        "time to reflected: " + Latencies.line(reflected),
        "  of which the reflecting read (after the ack): " + Latencies.line(read),
        String.format("reflected within 10 ms: %d of %d (%.1f%%); polls per event: mean %s, max %d", withinTarget, probed,
            probed == 0 ? 0.0 : 100.0 * withinTarget / probed, m.get("mean_polls"), maxPolls)));
    return m;
  }
}
