package dev.kindred.serve.kafka;

import dev.kindred.serve.EventLog;
import dev.kindred.serve.RecommendationService;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes interaction events from a Kafka topic into a running server: each record is decoded
 * ({@link EventValueFormat}), checked as {@code POST /v1/events} checks an event
 * ({@link RecommendationService#eventProblem}), logged and folded in
 * ({@link RecommendationService#logAndApply}); a record that fails either is written to the
 * dead-letter file ({@link DeadLetters}) and counted, and consumption goes on.
 *
 * <p>Delivery: at-least-once from Kafka, exactly-once in effect. The events of one poll (all
 * partitions) are appended to the event log as one write with one {@code fsync}; only then are the
 * partitions' offsets committed ({@code commitSync}; auto commit is off). A crash before the commit
 * re-delivers those records after the restart. To skip them, every logged event carries its source
 * position in the log's id field, {@code kafka/TOPIC/PARTITION/OFFSET} (followed by
 * {@code /ID} when the record has an id): the log is the one durable place, written atomically per
 * append, so the position and the event cannot disagree. At start the positions are read from the
 * replayed log ({@link #appliedOffsets}); when a partition is assigned, the consumer seeks past the
 * highest logged offset if the committed offset is behind it, and a record at or below it is
 * skipped. This keeps one long per partition, with no window to size and no second file to keep in
 * step with the log (the alternative, a bounded set of recently applied ids, forgets ids older than
 * its window and needs its own crash-safe storage). The producer's optional {@code id} is kept in
 * the log for tracing; duplicates a producer writes itself (retries without idempotence) are two
 * records and two events: Kafka producers are idempotent by default since 3.0.
 *
 * <p>Caveats: removing a user from the log ({@code DELETE /v1/users/...}) or compacting it can drop
 * the event that held a partition's highest position; that is harmless once the offset is
 * committed, which happens within one poll of the write. Each server replica needs its own consumer
 * group, since a group shares partitions out and every replica must see every event. A topic that is
 * deleted and created again restarts its offsets at 0, below the positions in the log: serve it
 * with a new event log (or a new topic name), else its first records are taken for re-deliveries.
 *
 * <p>Meters (bound to the server's {@code /metrics} registry, tag {@code topic}):
 * {@code kindred_kafka_consumer_lag} (records behind the end of the assigned partitions),
 * {@code kindred_kafka_events_consumed_total} (events logged and folded in),
 * {@code kindred_kafka_events_per_second} (over the last second or more),
 * {@code kindred_kafka_dead_letters_total}, {@code kindred_kafka_redelivered_skipped_total}
 * (records skipped as already logged), {@code kindred_kafka_unknown_items_total} (events on items
 * the model does not know: logged for the next training, not folded in, as the HTTP route does),
 * {@code kindred_kafka_paced_seconds_total}, {@code kindred_kafka_consumer_running}.
 *
 * <p>Pacing: at most {@link KafkaSourceConfig#maxEventsPerSecond} records a second are taken
 * ({@link EventPacer}), in polls of at most {@link KafkaSourceConfig#recordsPerPoll} records, so a
 * backlog is drained in small, evenly spaced batches on this one thread instead of in bursts that
 * take a core from the request threads; each poll's events are still one log write and one
 * {@code fsync} (group commit). {@code kindred_kafka_paced_seconds_total} counts the time the cap
 * held the consumer back: it grows while there is a backlog above the cap.
 *
 * <p>Threads: one consumer thread of its own, which owns the {@link KafkaConsumer} (not
 * thread-safe) and the dead-letter file; {@link #close} wakes it and waits for it.
 */
public final class KafkaEventSource implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(KafkaEventSource.class);
  private static final String POSITION_PREFIX = "kafka/";
  private static final long RETRY_BACKOFF_MILLIS = 1000;

  private final KafkaSourceConfig config;
  private final RecommendationService service;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final DeadLetters deadLetters;
  private final Consumer<Throwable> onFailure;
  /** Highest logged offset per partition: written by the consumer thread only. */
  private final Map<Integer, Long> applied = new ConcurrentHashMap<>();
  private final AtomicLong consumed = new AtomicLong();
  private final AtomicLong dead = new AtomicLong();
  private final AtomicLong skipped = new AtomicLong();
  private final AtomicLong unknownItems = new AtomicLong();
  private final AtomicLong lag = new AtomicLong();
  private final AtomicLong pacedNanos = new AtomicLong();
  private volatile double perSecond;
  private volatile boolean running = true;
  private long rateAtNanos = System.nanoTime();
  private long rateAtCount;
  private final Thread thread;
  private final EventPacer pacer; // owned by the consumer thread

  private KafkaEventSource(KafkaSourceConfig config, RecommendationService service, Map<Integer, Long> applied,
      Consumer<Throwable> onFailure) throws IOException {
    this.config = config;
    this.service = service;
    this.onFailure = onFailure;
    this.applied.putAll(applied);
    this.pacer = new EventPacer(config.maxEventsPerSecond());
    this.deadLetters = DeadLetters.open(config.deadLetters());
    this.consumer = new KafkaConsumer<>(consumerProperties(config), new ByteArrayDeserializer(),
        new ByteArrayDeserializer());
    this.thread = Thread.ofPlatform().name("kindred-kafka-" + config.topic()).daemon().unstarted(this::run);
  }

  /**
   * Starts consuming {@code config.topic()} into {@code service}, whose event log held
   * {@code logged} at start-up (the list the server replayed), and binds the meters to
   * {@code registry} (null: none). {@code onFailure} is called once from the consumer thread if
   * consumption stops for good (e.g. the topic is not authorised); the server should then stop.
   */
  public static KafkaEventSource start(KafkaSourceConfig config, RecommendationService service,
      List<EventLog.Event> logged, MeterRegistry registry, Consumer<Throwable> onFailure) throws IOException {
    KafkaEventSource s = new KafkaEventSource(config, service, appliedOffsets(logged, config.topic()), onFailure);
    if (registry != null) s.bind(registry);
    s.thread.start();
    LOG.info("consuming events from Kafka topic {} at {} (group {}); dead letters to {}; {} partitions already "
        + "in the event log", config.topic(), config.bootstrap(), config.group(), config.deadLetters(), s.applied.size());
    return s;
  }

  /** The highest logged offset of each partition of {@code topic}, read from the events' ids. */
  public static Map<Integer, Long> appliedOffsets(Collection<EventLog.Event> logged, String topic) {
    String prefix = POSITION_PREFIX + topic + "/";
    Map<Integer, Long> out = new HashMap<>();
    for (EventLog.Event e : logged) {
      String id = e.id();
      if (id == null || !id.startsWith(prefix)) continue;
      String[] f = id.substring(prefix.length()).split("/", 3);
      if (f.length < 2) continue;
      try {
        out.merge(Integer.parseInt(f[0]), Long.parseLong(f[1]), Math::max);
      } catch (NumberFormatException ignored) {
        // not a position this source wrote
      }
    }
    return out;
  }

  /** The id an event from {@code topic}/{@code partition}/{@code offset} is logged under. */
  static String positionId(String topic, int partition, long offset, String producerId) {
    String id = POSITION_PREFIX + topic + "/" + partition + "/" + offset;
    return producerId == null ? id : id + "/" + producerId;
  }

  private static Map<String, Object> consumerProperties(KafkaSourceConfig c) {
    Map<String, Object> p = new HashMap<>();
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"); // a new group reads the topic from its start
    p.putAll(c.clientProperties());
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, c.bootstrap());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, c.group());
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, c.recordsPerPoll());
    return p;
  }

  private void bind(MeterRegistry r) {
    String t = config.topic();
    Gauge.builder("kindred.kafka.consumer.lag", lag, AtomicLong::get).tag("topic", t)
        .description("records behind the end of the assigned partitions").register(r);
    FunctionCounter.builder("kindred.kafka.events.consumed", consumed, AtomicLong::get).tag("topic", t)
        .description("events from Kafka logged and folded in").register(r);
    Gauge.builder("kindred.kafka.events.per.second", this, s -> s.perSecond).tag("topic", t)
        .description("events from Kafka logged per second, over the last second or more").register(r);
    FunctionCounter.builder("kindred.kafka.dead.letters", dead, AtomicLong::get).tag("topic", t)
        .description("malformed records written to the dead-letter file").register(r);
    FunctionCounter.builder("kindred.kafka.redelivered.skipped", skipped, AtomicLong::get).tag("topic", t)
        .description("re-delivered records skipped because the event log already holds them").register(r);
    FunctionCounter.builder("kindred.kafka.unknown.items", unknownItems, AtomicLong::get).tag("topic", t)
        .description("events on items the model does not know (skipped)").register(r);
    FunctionCounter.builder("kindred.kafka.paced.seconds", pacedNanos, n -> n.get() / 1e9).tag("topic", t)
        .description("time the consumer waited to keep under --kafka-max-events-per-second").register(r);
    Gauge.builder("kindred.kafka.consumer.running", this, s -> s.thread.isAlive() ? 1 : 0).tag("topic", t)
        .description("1 while the consumer thread runs").register(r);
  }

  /** Events logged and folded in since start. */
  public long eventsConsumed() {
    return consumed.get();
  }

  /** Records written to the dead-letter file since start. */
  public long deadLetters() {
    return dead.get();
  }

  /** Records skipped because the log already held them (re-delivery after a crash). */
  public long redeliveredSkipped() {
    return skipped.get();
  }

  /** Records behind the end of the assigned partitions, as of the last poll. */
  public long lag() {
    return lag.get();
  }

  private void run() {
    try {
      consumer.subscribe(List.of(config.topic()), new SeekPastLogged());
      while (running) {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(config.pollTimeoutMillis()));
        if (!records.isEmpty()) take(records);
        measure();
        long wait = pacer.taken(records.count(), System.nanoTime());
        if (wait > 0) {
          pacedNanos.addAndGet(wait);
          Thread.sleep(wait / 1_000_000L, (int) (wait % 1_000_000L));
        }
      }
    } catch (WakeupException e) {
      if (running) fail(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException e) {
      fail(e);
    } finally {
      try {
        consumer.close(Duration.ofSeconds(5));
      } catch (RuntimeException e) {
        LOG.warn("Kafka consumer did not close cleanly: {}", e.toString());
      }
    }
  }

  private void fail(Throwable e) {
    LOG.error("Kafka event source stopped: topic {} at {}: {}", config.topic(), config.bootstrap(), e.toString(), e);
    if (onFailure != null) onFailure.accept(e);
  }

  /**
   * One poll's records: decoded and checked, dead letters forced to disk, events logged (one write
   * and fsync), then the offsets committed. When a write fails, nothing is committed and the
   * partitions are rewound to the poll's first records, to be taken again after a pause.
   */
  private void take(ConsumerRecords<byte[], byte[]> records) throws InterruptedException {
    List<EventLog.Event> events = new ArrayList<>(records.count());
    List<DeadLetters.Letter> letters = new ArrayList<>();
    Map<TopicPartition, OffsetAndMetadata> commit = new LinkedHashMap<>();
    Map<TopicPartition, Long> first = new HashMap<>();
    Map<Integer, Long> highest = new HashMap<>();
    long redelivered = 0;
    long now = System.currentTimeMillis();
    for (TopicPartition tp : records.partitions()) {
      long logged = applied.getOrDefault(tp.partition(), -1L);
      List<ConsumerRecord<byte[], byte[]>> rs = records.records(tp);
      first.put(tp, rs.get(0).offset());
      for (ConsumerRecord<byte[], byte[]> r : rs) {
        if (r.offset() <= logged) {
          redelivered++;
          continue;
        }
        try {
          events.add(event(r));
        } catch (EventValueFormat.Malformed m) {
          letters.add(new DeadLetters.Letter(r.topic(), r.partition(), r.offset(), DeadLetters.text(r.key()),
              DeadLetters.text(r.value()), m.getMessage(), now));
        }
      }
      long last = rs.get(rs.size() - 1).offset();
      highest.put(tp.partition(), last);
      commit.put(tp, new OffsetAndMetadata(last + 1));
    }
    RecommendationService.Logged done;
    try {
      deadLetters.append(letters);
      done = service.logAndApply(events);
    } catch (IOException | RuntimeException e) {
      LOG.error("could not log {} events / {} dead letters from topic {} (retrying in {} ms): {}", events.size(),
          letters.size(), config.topic(), RETRY_BACKOFF_MILLIS, e.toString());
      first.forEach(consumer::seek);
      Thread.sleep(RETRY_BACKOFF_MILLIS);
      return;
    }
    highest.forEach((p, o) -> applied.merge(p, o, Math::max));
    try {
      consumer.commitSync(commit);
    } catch (CommitFailedException | RebalanceInProgressException e) {
      // The partitions moved during the poll: their events are logged, and whoever consumes them
      // next starts at the last commit; this server skips them by position if they come back.
      LOG.warn("offsets of topic {} not committed (a rebalance): {}", config.topic(), e.getMessage());
    }
    consumed.addAndGet(done.accepted());
    unknownItems.addAndGet(done.unknownItems().size());
    dead.addAndGet(letters.size());
    skipped.addAndGet(redelivered);
    if (!letters.isEmpty()) {
      LOG.warn("{} malformed records from topic {} written to {} (first: partition {} offset {}: {})", letters.size(),
          config.topic(), deadLetters.path(), letters.get(0).partition(), letters.get(0).offset(),
          letters.get(0).reason());
    }
  }

  /** The event of one record, or why it is not one. */
  private EventLog.Event event(ConsumerRecord<byte[], byte[]> r) throws EventValueFormat.Malformed {
    EventValueFormat.Decoded d = EventValueFormat.decode(r.key(), r.value());
    String problem = service.eventProblem("", d.user(), d.item(), d.value());
    if (problem == null && d.id() != null) {
      String idProblem = EventLog.idProblem(d.id());
      if (idProblem != null) problem = "\"id\" " + idProblem;
    }
    if (problem != null) throw new EventValueFormat.Malformed(problem);
    return new EventLog.Event(d.user(), d.item(), d.value() == null ? 1f : d.value(),
        d.ts() == null ? r.timestamp() : d.ts(), positionId(r.topic(), r.partition(), r.offset(), d.id()));
  }

  /** Lag from the consumer's last fetch, and the event rate over at least a second. */
  private void measure() {
    long behind = 0;
    boolean known = false;
    for (TopicPartition tp : consumer.assignment()) {
      OptionalLong l = consumer.currentLag(tp);
      if (l.isPresent()) {
        behind += l.getAsLong();
        known = true;
      }
    }
    if (known) lag.set(behind);
    long t = System.nanoTime();
    if (t - rateAtNanos >= 1_000_000_000L) {
      long c = consumed.get();
      perSecond = (c - rateAtCount) * 1e9 / (t - rateAtNanos);
      rateAtCount = c;
      rateAtNanos = t;
    }
  }

  /** On assignment, moves each partition past the offsets the event log already holds. */
  private final class SeekPastLogged implements ConsumerRebalanceListener {
    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      for (TopicPartition tp : partitions) {
        Long logged = applied.get(tp.partition());
        if (logged == null) continue;
        long position = consumer.position(tp);
        if (position <= logged) {
          LOG.info("{}: committed offset {} is behind the event log (offset {} logged): resuming at {}", tp, position,
              logged, logged + 1);
          consumer.seek(tp, logged + 1);
        }
      }
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      // offsets are committed synchronously after every logged poll: nothing is pending here
    }
  }

  /** Stops consuming: wakes the consumer thread, waits for it to commit nothing more and close. */
  @Override
  public void close() throws IOException {
    running = false;
    consumer.wakeup();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    deadLetters.close();
  }
}
