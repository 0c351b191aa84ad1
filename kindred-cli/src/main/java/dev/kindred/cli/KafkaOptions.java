package dev.kindred.cli;

import dev.kindred.serve.EventLog;
import dev.kindred.serve.RecommendationService;
import dev.kindred.serve.kafka.KafkaEventSource;
import dev.kindred.serve.kafka.KafkaSourceConfig;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import picocli.CommandLine.Option;

/** {@code kindred serve}'s event-source flags: events from a Kafka topic besides {@code POST /v1/events}. */
final class KafkaOptions {

  /** Where events come from. */
  enum Source {
    /** {@code POST /v1/events} only. */
    HTTP,
    /** A Kafka topic as well as {@code POST /v1/events}. */
    KAFKA
  }

  @Option(names = "--events-from", paramLabel = "SOURCE", defaultValue = "http",
      description = "http: events arrive by POST /v1/events only; kafka: also consumed from --kafka-topic (needs "
          + "--events, --kafka-bootstrap, --kafka-group). Default: ${DEFAULT-VALUE}.")
  String eventsFrom;

  @Option(names = "--kafka-bootstrap", paramLabel = "HOST:PORT", description = "Kafka brokers (comma-separated).")
  String bootstrap;

  @Option(names = "--kafka-topic", paramLabel = "TOPIC",
      description = "Topic of interaction events: JSON {\"user\",\"item\",\"value\",\"ts\",\"id\"} or CSV "
          + "user,item[,value[,ts[,id]]] values, key = user.")
  String topic;

  @Option(names = "--kafka-group", paramLabel = "GROUP",
      description = "Consumer group (one per server replica); offsets are committed only after the events are in the "
          + "event log.")
  String group;

  @Option(names = "--kafka-properties", paramLabel = "FILE",
      description = "Further Kafka consumer properties (security, timeouts), as a Java properties file.")
  Path properties;

  @Option(names = "--dead-letters", paramLabel = "FILE",
      description = "Where malformed records go, one JSON line each (default: the event log's path + "
          + "'.dead-letters.jsonl').")
  Path deadLetters;

  @Option(names = "--kafka-max-events-per-second", paramLabel = "N",
      description = "Most events taken from the topic per second (0: no cap), so that draining a backlog leaves the "
          + "request threads their CPU. Default: 100000 (five times issue 15's 20,000/s; a 1M backlog drains in 10 s).")
  Long maxEventsPerSecond;

  /** Whether events come from Kafka; checks the flag's value. */
  boolean enabled() {
    return Flags.enumValue(Source.class, eventsFrom, "--events-from") == Source.KAFKA;
  }

  /**
   * The consumer settings, checked: with {@code --events-from kafka}, the event log and the
   * bootstrap, topic and group flags are required, and a Kafka flag without it is refused.
   */
  KafkaSourceConfig config(Path eventsFile) {
    if (!enabled()) {
      if (bootstrap != null || topic != null || group != null || properties != null || deadLetters != null
          || maxEventsPerSecond != null) {
        throw new IllegalArgumentException("--kafka-* and --dead-letters need --events-from kafka");
      }
      return null;
    }
    if (eventsFile == null) {
      throw new IllegalArgumentException("--events-from kafka needs --events FILE: offsets are committed only once "
          + "the events are in that log");
    }
    for (String[] f : new String[][] {{"--kafka-bootstrap", bootstrap}, {"--kafka-topic", topic},
        {"--kafka-group", group}}) {
      if (f[1] == null) throw new IllegalArgumentException("--events-from kafka needs " + f[0]);
    }
    Path dead = deadLetters != null ? deadLetters : eventsFile.resolveSibling(eventsFile.getFileName() + ".dead-letters.jsonl");
    Map<String, String> client = properties == null ? Map.of() : read(properties);
    try {
      KafkaSourceConfig c = KafkaSourceConfig.DEFAULTS.withBootstrap(bootstrap).withTopic(topic).withGroup(group)
          .withClientProperties(client).withDeadLetters(dead);
      return maxEventsPerSecond == null ? c : c.withMaxEventsPerSecond(maxEventsPerSecond);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--events-from kafka: " + e.getMessage(), e);
    }
  }

  private static Map<String, String> read(Path file) {
    Properties p = new Properties();
    try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      p.load(r);
    } catch (java.nio.file.NoSuchFileException e) {
      throw new IllegalArgumentException("--kafka-properties " + file + ": no such file");
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalArgumentException("--kafka-properties " + file + ": " + e.getMessage());
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (String k : p.stringPropertyNames()) out.put(k, p.getProperty(k));
    return out;
  }

  /** Starts consuming when configured ({@code config} non-null); else returns null. */
  static KafkaEventSource start(KafkaSourceConfig config, RecommendationService service, List<EventLog.Event> replay,
      MeterRegistry meters, Consumer<Throwable> onFailure) throws IOException {
    return config == null ? null : KafkaEventSource.start(config, service, replay, meters, onFailure);
  }
}
