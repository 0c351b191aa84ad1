package dev.kindred.cli;

import dev.kindred.core.Forgetting;
import dev.kindred.core.Interactions;
import dev.kindred.core.LatentFactorModel;
import dev.kindred.core.Model;
import dev.kindred.core.ModelFile;
import dev.kindred.serve.EventLog;
import dev.kindred.train.als.ItemRefit;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code kindred forget}: removes a user from a model file, an event log and a data file. */
@Command(name = "forget", mixinStandardHelpOptions = true,
    description = {"Forget --user (right to erasure): their id, factors and history leave the model file, their "
        + "events the event log (atomic compaction), their rows the data file (atomic rewrite).",
        "Other users' lists are unchanged. Item-side parameters (item factors, item-item weights, popularity) "
            + "still carry the user's aggregate influence until the model is retrained without them; for als / ials, "
            + "--refit-items solves the item factors again from the remaining --data (mf-sgd / bpr: a few item-side SGD "
            + "epochs).",
        "For a running server use DELETE /v1/users/{user}: it compacts the log it has open; this command must not "
            + "rewrite a log a server is appending to."})
final class ForgetCommand implements Callable<Integer> {

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--user", paramLabel = "ID", required = true, description = "External user id to forget.")
  String user;

  @Option(names = "--model-file", paramLabel = "FILE", required = true, description = "Model file, rewritten in place.")
  Path modelFile;

  @Option(names = "--event-log", paramLabel = "FILE", description = "Event log of kindred serve, compacted in place.")
  Path eventLog;

  @Option(names = "--data", paramLabel = "FILE",
      description = "Interaction file (delimited text; --format/--columns say how), rewritten in place without the user's rows.")
  Path dataFile;

  @Option(names = "--refit-items",
      description = "als / ials: after removing the user, solve every item's factors again from the remaining --data "
          + "(one item-side ALS half-step), so they no longer depend on the user's interactions directly; mf-sgd / bpr: "
          + "a few item-side SGD epochs over the remaining --data with the user factors frozen.")
  boolean refitItems;

  @Option(names = "--threads", paramLabel = "T", description = "Threads for --refit-items (default: available cores).")
  Integer threads;

  @Option(names = "--json", description = "Print one JSON object.")
  boolean json;

  @Mixin
  DataOptions data;

  /** Refuses --refit-items before any file is touched when it cannot be done. */
  private void checkRefit(Model model) {
    if (dataFile == null) {
      throw new IllegalArgumentException("--refit-items needs --data FILE: the remaining interactions to solve the items from");
    }
    if (!ItemRefit.supports(model)) {
      throw new IllegalArgumentException("--refit-items: a " + model.provenance().algorithm() + " model has no item-side "
          + "refit (als, ials, mf-sgd and bpr do); retrain it on the rewritten --data to remove the user's influence");
    }
  }

  @Override
  public Integer call() throws Exception {
    Model model = ModelFile.read(modelFile);
    if (refitItems) checkRefit(model);
    int u = model.userIndex().indexOf(user);
    Model forgotten = u < 0 ? model : Forgetting.withoutUser(model, u);
    int rows = dataFile == null ? 0 : data.removeUser(dataFile, user);
    if (refitItems) {
      Interactions remaining = ModelIds.onModel(data.read(dataFile).data(), forgotten);
      int t = threads != null ? threads : Runtime.getRuntime().availableProcessors();
      forgotten = ItemRefit.refit((LatentFactorModel) forgotten, remaining, t);
    }
    if (u >= 0 || refitItems) ModelFile.write(forgotten, modelFile);
    int events = eventLog == null ? 0 : EventLog.removeUser(eventLog, user);
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("user", user);
    r.put("in_model", u >= 0);
    r.put("events_removed", events);
    r.put("rows_removed", rows);
    r.put("items_refit", refitItems);
    var out = spec.commandLine().getOut();
    if (json) {
      out.println(Report.toJson(r));
    } else {
      out.printf("forgot %s: %s; %d events removed from %s; %d rows removed from %s%n", user,
          u >= 0 ? "removed from " + modelFile : "not in " + modelFile, events, eventLog == null ? "(no event log)" : eventLog,
          rows, dataFile == null ? "(no data file)" : dataFile);
      out.println(refitItems
          ? "note: item factors were solved again without the user; the other users' factors were trained with them"
          : "note: item-side parameters still carry the user's aggregate influence until a retrain without them");
    }
    out.flush();
    if (u < 0 && events == 0 && rows == 0) {
      spec.commandLine().getErr().println("kindred: --user '" + user + "' was found in none of the files");
      return KindredCli.EXIT_BAD_INPUT;
    }
    return KindredCli.EXIT_OK;
  }
}
