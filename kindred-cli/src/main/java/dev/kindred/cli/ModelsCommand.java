package dev.kindred.cli;

import dev.kindred.train.registry.ModelFlag;
import dev.kindred.train.registry.ModelSpec;
import dev.kindred.train.registry.Models;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code kindred models}: every model of the registry with its flags and their defaults. */
@Command(name = "models", mixinStandardHelpOptions = true,
    description = "List the models and, for each, the flags it takes with their defaults.")
final class ModelsCommand implements Callable<Integer> {

  @Spec
  picocli.CommandLine.Model.CommandSpec spec;

  @Parameters(arity = "0..1", paramLabel = "NAME", description = "Show one model only.")
  String name;

  @Option(names = "--json", description = "Print one JSON object: model -> {summary, flags: {flag: default}}.")
  boolean json;

  /**
   * One model as {@code --json} prints it.
   *
   * @param summary one line
   * @param flags flag -> default (null for a switch)
   */
  record ModelEntry(String summary, Map<String, String> flags) {}

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    List<ModelSpec<?>> specs = name == null ? Models.all() : List.of(Models.get(name));
    Map<String, ModelEntry> entries = new LinkedHashMap<>();
    for (ModelSpec<?> s : specs) entries.put(s.name(), entry(s));
    if (json) {
      out.println(Report.toJson(entries));
    } else {
      entries.forEach((model, e) -> {
        out.println(model + ": " + e.summary());
        List<String> lines = new ArrayList<>();
        e.flags().forEach((flag, dflt) -> lines.add("  " + flag + (dflt == null ? "" : " (default " + dflt + ")")));
        lines.add("  --threads --seed");
        lines.forEach(out::println);
      });
    }
    out.flush();
    return KindredCli.EXIT_OK;
  }

  private static <C> ModelEntry entry(ModelSpec<C> s) {
    Map<String, String> flags = new LinkedHashMap<>();
    for (ModelFlag<C, ?> f : s.flags()) flags.put(f.name(), f.defaultText(s.defaults()));
    return new ModelEntry(s.summary(), flags);
  }
}
