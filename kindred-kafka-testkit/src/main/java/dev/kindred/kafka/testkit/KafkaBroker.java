package dev.kindred.kafka.testkit;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * A real single-node Kafka (KRaft, one combined broker and controller) for tests and the load
 * script, from the Maven artifacts ({@code kafka-test-common-runtime}'s {@link KafkaClusterTestKit}):
 * listeners on 127.0.0.1 at free ports, logs and metadata in a temporary directory that
 * {@link #close} deletes. Run as a program ({@link #main}) it prints {@code bootstrap=HOST:PORT}
 * and serves until its standard input closes.
 */
public final class KafkaBroker implements AutoCloseable {

  private final KafkaClusterTestKit cluster;
  private final Path dir;

  private KafkaBroker(KafkaClusterTestKit cluster, Path dir) {
    this.cluster = cluster;
    this.dir = dir;
  }

  /** Formats and starts the node; returns once the broker takes requests. */
  public static KafkaBroker start() throws Exception {
    Path dir = Files.createTempDirectory("kindred-kafka-");
    TestKitNodes nodes = new TestKitNodes.Builder().setCombined(true).setNumBrokerNodes(1)
        .setNumControllerNodes(1).setBaseDirectory(dir).build();
    KafkaClusterTestKit cluster = new KafkaClusterTestKit.Builder(nodes)
        .setConfigProp("listeners", "EXTERNAL://127.0.0.1:0,CONTROLLER://127.0.0.1:0")
        .setConfigProp("group.initial.rebalance.delay.ms", 0)
        // One node: the internal topics cannot have the default three replicas.
        .setConfigProp("offsets.topic.replication.factor", (short) 1)
        .setConfigProp("offsets.topic.num.partitions", 1)
        .setConfigProp("transaction.state.log.replication.factor", (short) 1)
        .setConfigProp("transaction.state.log.min.isr", 1)
        .setDeleteOnClose(true)
        .build();
    try {
      cluster.format();
      cluster.startup();
      cluster.waitForReadyBrokers();
    } catch (Exception | Error e) {
      cluster.close();
      throw e;
    }
    return new KafkaBroker(cluster, dir);
  }

  /** {@code HOST:PORT} of the broker. */
  public String bootstrap() {
    // The listeners bind 127.0.0.1; the test kit names them "localhost", which may resolve to ::1 first.
    return cluster.bootstrapServers().replace("localhost", "127.0.0.1");
  }

  /** Creates {@code topic} with {@code partitions} partitions and waits until it exists. */
  public void createTopic(String topic, int partitions) throws Exception {
    try (Admin admin = cluster.admin()) {
      admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
    }
  }

  /** A producer of raw keys and values, acknowledged by the broker ({@code acks=all}), idempotent. */
  public KafkaProducer<byte[], byte[]> producer() {
    return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap(),
        ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 5), new ByteArraySerializer(),
        new ByteArraySerializer());
  }

  public static byte[] bytes(String s) {
    return s == null ? null : s.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void close() throws Exception {
    try {
      cluster.close();
    } finally {
      if (Files.exists(dir)) {
        try (Stream<Path> all = Files.walk(dir)) {
          all.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
      }
    }
  }

  /** Starts a broker, prints {@code bootstrap=HOST:PORT}, and stops it when standard input closes. */
  public static void main(String[] args) throws Exception {
    try (KafkaBroker broker = start()) {
      for (String topicSpec : args) {
        String[] f = topicSpec.split(":");
        broker.createTopic(f[0], f.length > 1 ? Integer.parseInt(f[1]) : 1);
      }
      System.out.println("bootstrap=" + broker.bootstrap());
      System.out.flush();
      while (System.in.read() >= 0) {
        // serve until the parent closes our standard input
      }
    }
  }
}
