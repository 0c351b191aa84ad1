package dev.kindred.cli;

import dev.kindred.serve.OperationsConfig;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code kindred serve}'s operations flags: load shedding, the admin token, a watched model file. */
final class OperationsOptions {

  static final String TOKEN_ENV = "KINDRED_ADMIN_TOKEN";

  @Option(names = "--max-in-flight", paramLabel = "N", defaultValue = "64",
      description = "Most /v1 requests worked on at once; more wait (see --queue-timeout-ms). Default: ${DEFAULT-VALUE}.")
  int maxInFlight;

  @Option(names = "--max-queued", paramLabel = "N", defaultValue = "1024",
      description = "Most requests waiting for a slot; beyond that 503 at once. Default: ${DEFAULT-VALUE}.")
  int maxQueued;

  @Option(names = "--queue-timeout-ms", paramLabel = "MS", defaultValue = "50",
      description = "Longest wait for a slot before answering 503 with Retry-After (0: shed at once). "
          + "Default: ${DEFAULT-VALUE}.")
  long queueTimeoutMillis;

  @Option(names = "--admin-token", paramLabel = "TOKEN",
      description = "Bearer token (16+ characters) for /v1/admin/...; prefer the environment variable "
          + TOKEN_ENV + " (a flag shows in the process list). Without either, admin endpoints answer 403.")
  String adminToken;

  @Option(names = "--watch-model", paramLabel = "FILE",
      description = "Poll FILE (modification time and size) and hot-swap it in when it changes and loads cleanly.")
  Path watchModel;

  @Option(names = "--watch-interval-ms", paramLabel = "MS", defaultValue = "1000",
      description = "How often --watch-model is polled. Default: ${DEFAULT-VALUE}.")
  long watchIntervalMillis;

  /** The validated settings (the record says which value is wrong and why). */
  OperationsConfig config() {
    String token = adminToken != null ? adminToken : System.getenv(TOKEN_ENV);
    if (token != null && token.isEmpty()) token = null;
    return OperationsConfig.DEFAULTS.withAdmission(maxInFlight, maxQueued, queueTimeoutMillis).withAdminToken(token)
        .withWatch(watchModel == null ? null : watchModel.toAbsolutePath(), watchIntervalMillis);
  }
}
