package dev.kindred.cli;

import dev.kindred.core.Interactions;
import dev.kindred.core.Model;
import dev.kindred.core.ModelFeatures;
import dev.kindred.core.ModelFile;
import dev.kindred.serve.ColdStart;
import dev.kindred.serve.EventLog;
import dev.kindred.serve.ItemLog;
import dev.kindred.serve.KindredServer;
import dev.kindred.serve.OperationsConfig;
import dev.kindred.serve.RecommendationService;
import dev.kindred.serve.ServeConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code kindred serve}: the HTTP recommendation server over a model file. */
@Command(name = "serve", mixinStandardHelpOptions = true,
    description = {"Serve a model file over HTTP (JSON API under /v1, /healthz, /readyz) until stopped.",
        "Binds 127.0.0.1 unless --host says otherwise. --train gives the interactions to exclude as seen.",
        "GET /metrics is Prometheus text; overload is shed with 503 + Retry-After; POST /v1/admin/model "
            + "{\"path\": FILE} (bearer token) or --watch-model swaps the model in without a restart."})
final class ServeCommand implements Callable<Integer> {

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--model-file", paramLabel = "FILE", required = true, description = "Model file written by train.")
  Path modelFile;

  @Option(names = "--train", paramLabel = "FILE", description = "Interactions excluded from each user's list (exclude seen).")
  Path seenFile;

  @Option(names = "--host", paramLabel = "HOST", defaultValue = "127.0.0.1", description = "Interface to bind. Default: ${DEFAULT-VALUE}.")
  String host;

  @Option(names = "--port", paramLabel = "PORT", defaultValue = "8080", description = "TCP port (0: any free port). Default: ${DEFAULT-VALUE}.")
  int port;

  @Option(names = "--events", paramLabel = "FILE",
      description = "Event log: replayed at start, and POST /v1/events appends to it (durably) and folds the user in at once.")
  Path eventsFile;

  @Option(names = "--fsync", paramLabel = "POLICY", defaultValue = "always",
      description = "Event log durability: always (fsync before acknowledging) or none (OS-buffered). Default: ${DEFAULT-VALUE}.")
  String fsync;

  @Option(names = "--read-timeout-ms", paramLabel = "MS", defaultValue = "10000",
      description = "A connection whose request line or header stalls this long, or idle this long, is dropped. "
          + "Default: ${DEFAULT-VALUE}.")
  int readTimeoutMillis;

  @Option(names = "--max-event-value", paramLabel = "V", defaultValue = "1e6",
      description = "Largest |value| an event may carry; larger or non-finite values get 400 (and are not replayed). "
          + "Default: ${DEFAULT-VALUE}.")
  float maxEventValue;

  @Option(names = "--max-events-per-user", paramLabel = "N", defaultValue = "500",
      description = "Events since the model's cut-off held in memory per user for fold-in (the last N; older ones stay "
          + "in the event log for the next training). Default: ${DEFAULT-VALUE}.")
  int maxEventsPerUser;

  @Option(names = "--max-events-total", paramLabel = "N", defaultValue = "10000000",
      description = "Events held in memory over all users; past it the least recently active users' are dropped "
          + "(counted in /metrics). Default: ${DEFAULT-VALUE}.")
  long maxEventsTotal;
  @Option(names = "--item-log", paramLabel = "FILE",
      description = "Log of the items posted to POST /v1/items (admin token; needs a MODEL.features file beside the "
          + "model): replayed at start and re-applied to every swapped-in model. Default: none (items are refused).")
  Path itemLogFile;

  @Mixin
  DataOptions data;

  @Mixin
  FeatureOptions features;

  @Mixin
  RetrievalOptions retrieval;

  @Mixin
  OperationsOptions operations;

  @Mixin
  KafkaOptions kafka;

  @Override
  public Integer call() throws Exception {
    data.refuseFilters("serve");
    ServeConfig config = ServeConfig.DEFAULTS.withHost(host).withPort(port).withMaxEventValue(maxEventValue)
        .withReadTimeoutMillis(readTimeoutMillis).withEventMemory(maxEventsPerUser, maxEventsTotal);
    OperationsConfig ops = operations.config();
    dev.kindred.serve.kafka.KafkaSourceConfig kafkaConfig = kafka.config(eventsFile);
    // Factor sections are mapped, and checked in the background: a multi-GB model serves at once.
    ModelFile.Opened opened = ModelFile.open(modelFile, ModelFile.Verification.DEFERRED);
    Model model = opened.model();
    Interactions seen = seenFile == null ? null : ModelIds.onModel(data.read(seenFile).data(), model);
    EventLog.Sync sync = Flags.enumValue(EventLog.Sync.class, fsync, "--fsync");
    EventLog log = eventsFile == null ? null : EventLog.open(eventsFile, sync); // cuts a torn tail first
    List<EventLog.Event> replay = eventsFile == null ? List.of() : EventLog.replay(eventsFile);
    RecommendationService service = new RecommendationService(model, seen, config, log, replay, retrieval.config());
    service.modelFile(modelFile);
    ItemLog itemLog = coldStart(service, sync);
    AtomicReference<Throwable> failed = new AtomicReference<>();
    CountDownLatch stop = new CountDownLatch(1);
    try (KindredServer server = KindredServer.start(service, config, ops);
        var source = KafkaOptions.start(kafkaConfig, service, replay, server.meterRegistry(), e -> {
          failed.set(new IllegalStateException("the Kafka event source stopped: " + e.getMessage(), e));
          stop.countDown();
        })) {
      if (log != null) {
        spec.commandLine().getErr().printf("kindred: event log %s (%d events replayed, fsync %s)%n", eventsFile,
            replay.size(), fsync);
      }
      spec.commandLine().getErr().printf("kindred: serving %s (%s, %d users x %d items) on http://%s:%d%n",
          modelFile, model.provenance().algorithm(), model.numUsers(), model.numItems(), host, server.port());
      var r = service.retrieval();
      spec.commandLine().getErr().printf("kindred: retrieval %s%s%n", r.isAnn() ? "ann" : "exact",
          r.recallReport() == null ? "" : String.format(" (recall@%d %.3f vs exact on %d users%s)", r.recallReport().k(),
              r.recallReport().recall(), r.recallReport().users(), r.recallBelowFloor() ? ", BELOW the floor" : ""));
      spec.commandLine().getErr().printf("kindred: at most %d requests in flight, %d queued for %d ms; admin endpoints %s%s%n",
          ops.maxInFlight(), ops.maxQueued(), ops.queueTimeoutMillis(), ops.adminToken() == null ? "disabled" : "enabled",
          ops.watchModel() == null ? "" : "; watching " + ops.watchModel());
      if (source != null) {
        spec.commandLine().getErr().printf("kindred: events from Kafka topic %s at %s (group %s); dead letters to %s%n",
            kafkaConfig.topic(), kafkaConfig.bootstrap(), kafkaConfig.group(), kafkaConfig.deadLetters());
      }
      spec.commandLine().getErr().flush();
      Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown));
      opened.verified().whenComplete((ok, e) -> {
        if (e != null) {
          failed.set(e.getCause() != null ? e.getCause() : e);
          stop.countDown();
        }
      });
      stop.await();
      // the model file failed its deferred check, or the Kafka source stopped for good
      if (failed.get() instanceof RuntimeException e) throw e;
    } finally {
      if (log != null) log.close();
      if (itemLog != null) itemLog.close();
    }
    return KindredCli.EXIT_OK;
  }

  /**
   * With a MODEL.features file: new users and items scored from side features (the feature files'
   * rows, posted items replayed from --item-log); returns the opened item log, or null.
   */
  private ItemLog coldStart(RecommendationService service, EventLog.Sync sync) throws java.io.IOException {
    ModelFeatures encoders = features.encodersOf(modelFile, "serve");
    if (encoders == null) {
      if (itemLogFile != null) {
        throw new IllegalArgumentException("--item-log: " + ModelFeatures.pathFor(modelFile) + " not found: the model "
            + "has no item feature encoder (train --model hybrid with --item-features and --out)");
      }
      return null;
    }
    ItemLog itemLog = itemLogFile == null ? null : ItemLog.open(itemLogFile, sync);
    List<ItemLog.Posted> posted = itemLogFile == null ? List.of() : ItemLog.replay(itemLogFile);
    service.coldStart(new ColdStart(encoders, features.itemValues(), features.userValues(), itemLog, posted));
    spec.commandLine().getErr().printf("kindred: side-feature scoring on (%s%s%s)%n",
        encoders.users() == null ? "no user encoder" : "new users from features",
        encoders.items() == null ? ", no item encoder" : ", new items from features",
        itemLog == null ? "" : "; item log " + itemLogFile + ", " + posted.size() + " items replayed");
    return itemLog;
  }
}
