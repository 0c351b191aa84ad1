package dev.kindred.bench.serve;

import java.net.URI;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Settings of one {@link LoadGenerator} run, validated here; {@link #parse} turns
 * {@code --flag value} pairs into this record (defaults in one place: {@link #DEFAULTS}).
 *
 * @param url server base URI
 * @param mode {@code load} (open-loop load) or {@code reflect} (event-reflection probe)
 * @param endpoint {@code recommend} (GET a user's list), {@code recommend-explain} (the same with
 *     {@code explain=true}: each item's top contributors) or {@code healthz} (trivial endpoint, to
 *     measure the generator's own overhead)
 * @param rate target requests per second (the schedule is fixed in advance: open loop)
 * @param warmupSeconds seconds of load sent first and not recorded
 * @param durationSeconds seconds of recorded load after the warm-up
 * @param threads blocking sender threads (each holds one keep-alive connection while busy)
 * @param k list length asked for
 * @param usersFile delimited interactions (user, item, ...): the distinct users to draw, and the
 *     items events name
 * @param zipfExponent user popularity exponent; 0 draws users uniformly
 * @param eventFraction share of requests that are {@code POST /v1/events} instead of recommend
 * @param reflectUsers users probed (and recorded) in {@code reflect} mode
 * @param reflectWarmup users probed first and not recorded in {@code reflect} mode (JIT warm-up
 *     of the event and fold-in paths)
 * @param seed random seed (user draws, the request mix, probed users)
 * @param transport {@code socket} (a lean blocking HTTP/1.1 connection per sender, the default)
 *     or {@code jdk} (the JDK HttpClient through {@link KindredClient}; more CPU per request)
 * @param json print one JSON object instead of text
 */
public record LoadOptions(URI url, String mode, String endpoint, double rate, double warmupSeconds,
    double durationSeconds, int threads, int k, Path usersFile, double zipfExponent, double eventFraction,
    int reflectUsers, int reflectWarmup, long seed, String transport, boolean json) {

  private static final Set<String> MODES = Set.of("load", "reflect");
  private static final Set<String> ENDPOINTS = Set.of("recommend", "recommend-explain", "healthz");
  private static final Set<String> TRANSPORTS = Set.of("socket", "jdk");

  public static final LoadOptions DEFAULTS = new LoadOptions(URI.create("http://127.0.0.1:8080"), "load",
      "recommend", 1000, 10, 60, 8, 10, null, 1.0, 0.0, 200, 100, 1, "socket", false);

  public LoadOptions {
    if (url == null) throw new IllegalArgumentException("--url must be set");
    if (!MODES.contains(mode)) throw new IllegalArgumentException("--mode must be one of " + MODES + ", got '" + mode + "'");
    if (!ENDPOINTS.contains(endpoint)) {
      throw new IllegalArgumentException("--endpoint must be one of " + ENDPOINTS + ", got '" + endpoint + "'");
    }
    if (!(rate > 0) || rate > 1e6) throw new IllegalArgumentException("--rate must be in (0, 1e6] requests/s, got " + rate);
    if (!(warmupSeconds >= 0)) throw new IllegalArgumentException("--warmup must be >= 0 s, got " + warmupSeconds);
    if (!(durationSeconds > 0)) throw new IllegalArgumentException("--duration must be > 0 s, got " + durationSeconds);
    if (threads < 1 || threads > 1024) throw new IllegalArgumentException("--threads must be in [1, 1024], got " + threads);
    if (k < 1) throw new IllegalArgumentException("--k must be >= 1, got " + k);
    if (!(zipfExponent >= 0)) throw new IllegalArgumentException("--zipf must be >= 0, got " + zipfExponent);
    if (!(eventFraction >= 0 && eventFraction <= 1)) {
      throw new IllegalArgumentException("--event-fraction must be in [0, 1], got " + eventFraction);
    }
    if (!TRANSPORTS.contains(transport)) {
      throw new IllegalArgumentException("--transport must be one of " + TRANSPORTS + ", got '" + transport + "'");
    }
    if (reflectUsers < 1) throw new IllegalArgumentException("--reflect-users must be >= 1, got " + reflectUsers);
    if (reflectWarmup < 0) throw new IllegalArgumentException("--reflect-warmup must be >= 0, got " + reflectWarmup);
  }

  /** Parses {@code --flag value} pairs ({@code --json} takes no value) over {@link #DEFAULTS}. */
  public static LoadOptions parse(String[] args) {
    Map<String, String> m = new HashMap<>();
    boolean json = false;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (a.equals("--json")) {
        json = true;
        continue;
      }
      if (!a.startsWith("--") || i + 1 >= args.length) {
        throw new IllegalArgumentException("expected --flag value, got '" + a + "' at argument " + (i + 1));
      }
      m.put(a.substring(2), args[++i]);
    }
    Set<String> known = Set.of("url", "mode", "endpoint", "rate", "warmup", "duration", "threads", "k", "users-file",
        "zipf", "event-fraction", "reflect-users", "reflect-warmup", "seed", "transport");
    for (String key : m.keySet()) {
      if (!known.contains(key)) throw new IllegalArgumentException("unknown flag --" + key + "; known: " + known);
    }
    if (!m.containsKey("users-file") && !(m.getOrDefault("mode", "load").equals("load")
        && m.getOrDefault("endpoint", "recommend").equals("healthz"))) {
      throw new IllegalArgumentException("--users-file is needed to draw users (only --endpoint healthz runs without)");
    }
    LoadOptions d = DEFAULTS;
    return new LoadOptions(URI.create(m.getOrDefault("url", d.url.toString())), m.getOrDefault("mode", d.mode),
        m.getOrDefault("endpoint", d.endpoint), number(m, "rate", d.rate), number(m, "warmup", d.warmupSeconds),
        number(m, "duration", d.durationSeconds), (int) integer(m, "threads", d.threads), (int) integer(m, "k", d.k),
        m.containsKey("users-file") ? Path.of(m.get("users-file")) : null, number(m, "zipf", d.zipfExponent),
        number(m, "event-fraction", d.eventFraction), (int) integer(m, "reflect-users", d.reflectUsers),
        (int) integer(m, "reflect-warmup", d.reflectWarmup),        integer(m, "seed", d.seed), m.getOrDefault("transport", d.transport), json);
  }

  private static double number(Map<String, String> m, String key, double dflt) {
    String v = m.get(key);
    if (v == null) return dflt;
    try {
      return Double.parseDouble(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + key + " must be a number, got '" + v + "'");
    }
  }

  private static long integer(Map<String, String> m, String key, long dflt) {
    String v = m.get(key);
    if (v == null) return dflt;
    try {
      return Long.parseLong(v);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--" + key + " must be an integer, got '" + v + "'");
    }
  }
}
