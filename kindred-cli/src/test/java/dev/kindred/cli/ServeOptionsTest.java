package dev.kindred.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kindred.serve.OperationsConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** {@code kindred serve}'s operations flags become an {@link OperationsConfig}; bad values are one-line usage errors. */
class ServeOptionsTest {

  static OperationsConfig parse(String... args) {
    ServeCommand cmd = new ServeCommand();
    new CommandLine(cmd).parseArgs(args);
    return cmd.operations.config();
  }

  @Test
  void flagsBecomeTheOperationsConfig() {
    OperationsConfig ops = parse("--model-file", "m.kdm", "--max-in-flight", "8", "--max-queued", "16",
        "--queue-timeout-ms", "5", "--admin-token", "0123456789abcdef", "--watch-model", "next.kdm",
        "--watch-interval-ms", "250");
    assertThat(ops.maxInFlight()).isEqualTo(8);
    assertThat(ops.maxQueued()).isEqualTo(16);
    assertThat(ops.queueTimeoutMillis()).isEqualTo(5);
    assertThat(ops.adminToken()).isEqualTo("0123456789abcdef");
    assertThat(ops.watchModel()).isEqualTo(Path.of("next.kdm").toAbsolutePath());
    assertThat(ops.watchIntervalMillis()).isEqualTo(250);
  }

  @Test
  void defaultsAreTheLibrarysDefaults() {
    OperationsConfig ops = parse("--model-file", "m.kdm");
    OperationsConfig d = OperationsConfig.DEFAULTS;
    assertThat(ops.maxInFlight()).isEqualTo(d.maxInFlight());
    assertThat(ops.maxQueued()).isEqualTo(d.maxQueued());
    assertThat(ops.queueTimeoutMillis()).isEqualTo(d.queueTimeoutMillis());
    assertThat(ops.watchModel()).isNull();
    assertThat(ops.watchIntervalMillis()).isEqualTo(d.watchIntervalMillis());
    String env = System.getenv(OperationsOptions.TOKEN_ENV);
    assertThat(ops.adminToken()).isEqualTo(env == null || env.isEmpty() ? null : env);
  }

  @Test
  void badValuesAreUsageErrorsThatNameTheSetting() {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = KindredCli.execute(new String[] {"serve", "--model-file", "missing.kdm", "--admin-token", "short"},
        new PrintWriter(out), new PrintWriter(err));
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("adminToken must have at least 16 characters, got 5");
    err.getBuffer().setLength(0);
    code = KindredCli.execute(new String[] {"serve", "--model-file", "missing.kdm", "--max-in-flight", "0"},
        new PrintWriter(out), new PrintWriter(err));
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("maxInFlight must be >= 1, got 0");
  }
}
