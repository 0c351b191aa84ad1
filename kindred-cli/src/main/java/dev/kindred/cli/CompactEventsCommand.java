package dev.kindred.cli;

import dev.kindred.core.Model;
import dev.kindred.core.ModelFile;
import dev.kindred.serve.EventLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code kindred compact-events}: drops from an event log the events a model was trained on. */
@Command(name = "compact-events", mixinStandardHelpOptions = true,
    description = {"Drop from --event-log every event logged before --model-file's training cut-off (the last event "
        + "time of its training data, recorded by train): the model holds them. The log is rewritten atomically.",
        "For a running server use POST /v1/admin/compact-events: it compacts the log it has open; this command must "
            + "not rewrite a log a server is appending to."})
final class CompactEventsCommand implements Callable<Integer> {

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--event-log", paramLabel = "FILE", required = true, description = "Event log of kindred serve.")
  Path eventLog;

  @Option(names = "--model-file", paramLabel = "FILE", required = true,
      description = "The model whose training cut-off decides what is dropped.")
  Path modelFile;

  @Option(names = "--json", description = "Print one JSON object.")
  boolean json;

  @Override
  public Integer call() throws Exception {
    if (!Files.isRegularFile(eventLog)) {
      spec.commandLine().getErr().println("kindred: --event-log " + eventLog + ": no such file");
      return KindredCli.EXIT_BAD_INPUT;
    }
    Model model = ModelFile.read(modelFile);
    if (model.provenance().dataCutoffMillis().isEmpty()) {
      spec.commandLine().getErr().println("kindred: --model-file " + modelFile + " records no training cut-off (trained "
          + "on data without timestamps, or by an older Kindred): no event is known to be in it; nothing dropped");
      return KindredCli.EXIT_BAD_INPUT;
    }
    long cutoff = model.provenance().dataCutoffMillis().getAsLong();
    EventLog.Compaction c = EventLog.compactBefore(eventLog, cutoff);
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("event_log", eventLog.toString());
    r.put("cutoff", Instant.ofEpochMilli(cutoff).toString());
    r.put("dropped", c.dropped());
    r.put("kept", c.kept());
    var out = spec.commandLine().getOut();
    if (json) {
      out.println(Report.toJson(r));
    } else {
      out.printf("compacted %s: %d events before %s dropped (in %s), %d lines kept%n", eventLog, c.dropped(),
          Instant.ofEpochMilli(cutoff), modelFile, c.kept());
    }
    out.flush();
    return KindredCli.EXIT_OK;
  }
}
