package dev.kindred.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kindred serve --events-from kafka}: each missing or wrong flag is one clear line and exit 2, before any model is read. */
class KafkaOptionsTest {

  @TempDir
  Path dir;

  private String refused(String... args) {
    StringWriter err = new StringWriter();
    String[] all = new String[args.length + 3];
    all[0] = "serve";
    all[1] = "--model-file";
    all[2] = dir.resolve("absent.kdm").toString();
    System.arraycopy(args, 0, all, 3, args.length);
    int code = KindredCli.execute(all, new PrintWriter(new StringWriter()), new PrintWriter(err));
    assertThat(code).as(err.toString()).isEqualTo(KindredCli.EXIT_BAD_INPUT);
    return err.toString().strip();
  }

  @Test
  void missingOrMisplacedFlagsAreNamed() throws Exception {
    String log = dir.resolve("events.log").toString();
    assertThat(refused("--events-from", "kafka", "--kafka-bootstrap", "h:1", "--kafka-topic", "t", "--kafka-group", "g"))
        .isEqualTo("kindred: --events-from kafka needs --events FILE: offsets are committed only once the events are "
            + "in that log");
    assertThat(refused("--events", log, "--events-from", "kafka", "--kafka-topic", "t", "--kafka-group", "g"))
        .isEqualTo("kindred: --events-from kafka needs --kafka-bootstrap");
    assertThat(refused("--events", log, "--kafka-topic", "t")).isEqualTo("kindred: --kafka-* and --dead-letters need "
        + "--events-from kafka");
    assertThat(refused("--events", log, "--events-from", "kinesis"))
        .isEqualTo("kindred: unknown --events-from 'kinesis': expected http, kafka");
    assertThat(refused("--events", log, "--events-from", "kafka", "--kafka-bootstrap", "localhost", "--kafka-topic", "t",
        "--kafka-group", "g")).startsWith("kindred: --events-from kafka: bootstrap must be HOST:PORT");
    Path props = Files.writeString(dir.resolve("client.properties"), "enable.auto.commit=true\n");
    assertThat(refused("--events", log, "--events-from", "kafka", "--kafka-bootstrap", "h:1", "--kafka-topic", "t",
        "--kafka-group", "g", "--kafka-properties", props.toString()))
        .isEqualTo("kindred: --events-from kafka: client property 'enable.auto.commit' is set by the event source "
            + "itself; remove it");
    assertThat(refused("--events", log, "--events-from", "kafka", "--kafka-bootstrap", "h:1", "--kafka-topic", "t",
        "--kafka-group", "g", "--kafka-properties", dir.resolve("none.properties").toString()))
        .isEqualTo("kindred: --kafka-properties " + dir.resolve("none.properties") + ": no such file");
    assertThat(refused("--events", log, "--kafka-max-events-per-second", "1000"))
        .isEqualTo("kindred: --kafka-* and --dead-letters need --events-from kafka");
    assertThat(refused("--events", log, "--events-from", "kafka", "--kafka-bootstrap", "h:1", "--kafka-topic", "t",
        "--kafka-group", "g", "--kafka-max-events-per-second", "-1"))
        .isEqualTo("kindred: --events-from kafka: maxEventsPerSecond must be >= 0 (0: no cap), got -1");
  }
}
