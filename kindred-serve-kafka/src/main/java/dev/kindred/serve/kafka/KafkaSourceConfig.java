package dev.kindred.serve.kafka;

import java.nio.file.Path;
import java.util.Map;

/**
 * Where {@link KafkaEventSource} reads events from, validated here; the CLI turns flags into this
 * record.
 *
 * @param bootstrap the brokers, {@code HOST:PORT[,HOST:PORT...]}
 * @param topic the topic of interaction events (see {@link EventValueFormat})
 * @param group the consumer group; each server replica needs a group of its own (a group shares
 *     partitions out between its members, and every replica must see every event)
 * @param clientProperties further Kafka consumer properties (security, timeouts); the ones this
 *     source owns (group, bootstrap, deserialisers, auto commit, isolation) may not be set here
 * @param deadLetters the file malformed records are appended to, one JSON line each
 * @param pollTimeoutMillis longest wait for records in one poll
 * @param maxPollRecords most records taken in one poll: the events of one poll are logged with one
 *     write and one {@code fsync}, so larger batches buy throughput with a little latency
 * @param maxEventsPerSecond most records taken per second, averaged over {@link EventPacer}'s burst
 *     window; 0 for no cap. The consumer thread competes with the request threads for the cores,
 *     and a backlog (after a restart, or a producer burst) would otherwise be drained as fast as one
 *     core goes, at the recommendations' expense (docs/benchmarks.md, "Events from Kafka while
 *     serving": p99 15.5 ms while draining 10M events at 339k/s). Default 100,000: five times the
 *     steady rate issue 15 asks for, so a live stream is never held back, while a backlog of a
 *     million events still drains in ten seconds at about a third of one core.
 */
public record KafkaSourceConfig(String bootstrap, String topic, String group, Map<String, String> clientProperties,
    Path deadLetters, long pollTimeoutMillis, int maxPollRecords, long maxEventsPerSecond) {

  /** Properties the source sets itself: committing only after the log write is the guarantee. */
  static final java.util.Set<String> OWNED = java.util.Set.of("bootstrap.servers", "group.id", "key.deserializer",
      "value.deserializer", "enable.auto.commit", "isolation.level");

  public static final KafkaSourceConfig DEFAULTS = new KafkaSourceConfig("127.0.0.1:9092", "kindred-events",
      "kindred-serve", Map.of(), Path.of("dead-letters.jsonl"), 200, 5000, 100_000);

  public KafkaSourceConfig {
    if (bootstrap == null || bootstrap.isBlank()) throw new IllegalArgumentException("bootstrap must be HOST:PORT, got none");
    for (String hp : bootstrap.split(",")) {
      int colon = hp.lastIndexOf(':');
      if (colon <= 0 || colon == hp.length() - 1 || !hp.substring(colon + 1).chars().allMatch(Character::isDigit)) {
        throw new IllegalArgumentException("bootstrap must be HOST:PORT[,HOST:PORT...], got '" + bootstrap + "'");
      }
    }
    if (topic == null || topic.isBlank() || !topic.matches("[a-zA-Z0-9._-]{1,249}")) {
      throw new IllegalArgumentException("topic must be 1-249 of [a-zA-Z0-9._-], got '" + topic + "'");
    }
    if (group == null || group.isBlank()) throw new IllegalArgumentException("group must be set");
    clientProperties = Map.copyOf(clientProperties);
    for (String k : clientProperties.keySet()) {
      if (OWNED.contains(k)) {
        throw new IllegalArgumentException("client property '" + k + "' is set by the event source itself; remove it");
      }
    }
    if (deadLetters == null) throw new IllegalArgumentException("deadLetters must be a file");
    if (pollTimeoutMillis < 1) throw new IllegalArgumentException("pollTimeoutMillis must be >= 1, got " + pollTimeoutMillis);
    if (maxPollRecords < 1) throw new IllegalArgumentException("maxPollRecords must be >= 1, got " + maxPollRecords);
    if (maxEventsPerSecond < 0) {
      throw new IllegalArgumentException("maxEventsPerSecond must be >= 0 (0: no cap), got " + maxEventsPerSecond);
    }
  }

  /**
   * Records asked for in one poll: {@link #maxPollRecords}, and under a rate cap no more than
   * {@link EventPacer#BATCH_MILLIS} worth of the cap, so that a backlog arrives in small, evenly
   * spaced batches rather than in large bursts followed by long pauses.
   */
  int recordsPerPoll() {
    if (maxEventsPerSecond == 0) return maxPollRecords;
    return (int) Math.max(1, Math.min(maxPollRecords, maxEventsPerSecond * EventPacer.BATCH_MILLIS / 1000));
  }

  public KafkaSourceConfig withBootstrap(String v) {
    return new KafkaSourceConfig(v, topic, group, clientProperties, deadLetters, pollTimeoutMillis, maxPollRecords,
        maxEventsPerSecond);
  }

  public KafkaSourceConfig withTopic(String v) {
    return new KafkaSourceConfig(bootstrap, v, group, clientProperties, deadLetters, pollTimeoutMillis, maxPollRecords,
        maxEventsPerSecond);
  }

  public KafkaSourceConfig withGroup(String v) {
    return new KafkaSourceConfig(bootstrap, topic, v, clientProperties, deadLetters, pollTimeoutMillis, maxPollRecords,
        maxEventsPerSecond);
  }

  public KafkaSourceConfig withClientProperties(Map<String, String> v) {
    return new KafkaSourceConfig(bootstrap, topic, group, v, deadLetters, pollTimeoutMillis, maxPollRecords,
        maxEventsPerSecond);
  }

  public KafkaSourceConfig withDeadLetters(Path v) {
    return new KafkaSourceConfig(bootstrap, topic, group, clientProperties, v, pollTimeoutMillis, maxPollRecords,
        maxEventsPerSecond);
  }

  public KafkaSourceConfig withMaxPollRecords(int v) {
    return new KafkaSourceConfig(bootstrap, topic, group, clientProperties, deadLetters, pollTimeoutMillis, v,
        maxEventsPerSecond);
  }

  public KafkaSourceConfig withMaxEventsPerSecond(long v) {
    return new KafkaSourceConfig(bootstrap, topic, group, clientProperties, deadLetters, pollTimeoutMillis,
        maxPollRecords, v);
  }
}
