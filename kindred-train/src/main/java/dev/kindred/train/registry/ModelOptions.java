package dev.kindred.train.registry;

import dev.kindred.core.Trainer;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The picocli binding of the registry, for front ends (the {@code kindred} commands and
 * {@code spark-train}); the Java API uses {@link Models} directly. Model options shared by
 * {@code demo}, {@code train}, {@code evaluate} and {@code spark-train}:
 * {@code --model}, {@code --threads}, {@code --seed}, plus every model flag of the registry
 * ({@link Models}), declared on the command by {@link Installer} (put it in the command's
 * {@code modelTransformer}). A flag left unset keeps the model's default (defaults live in each
 * config record); a flag that does not apply to the chosen model is an error, not ignored.
 */
public final class ModelOptions {

  /** The model when {@code --model} is not given, except in {@code spark-train}. */
  public static final String DEFAULT_MODEL = "mf-sgd";

  @Option(names = "--model", paramLabel = "NAME",
      description = "Algorithm (see 'kindred models'). Default: mf-sgd (spark-train: ials).")
  public String model;

  @Option(names = "--threads", paramLabel = "T", description = "Worker threads (default: available cores).")
  public Integer threads;

  @Option(names = "--seed", paramLabel = "S",
      description = "Random seed (same seed and threads give the same model; bpr: threads = 1).")
  public Long seed;

  @Spec(Spec.Target.MIXEE)
  CommandSpec command;

  public int threadsOrDefault() {
    return threads != null ? threads : Runtime.getRuntime().availableProcessors();
  }

  /** The registry entry named by {@code --model} with the given flags applied; validates every flag. */
  public ModelSpec.Configured<?> configured() {
    return configured(DEFAULT_MODEL);
  }

  /** As {@link #configured()}, with {@code defaultModel} when {@code --model} is not given. */
  public ModelSpec.Configured<?> configured(String defaultModel) {
    return Models.get(model != null ? model : defaultModel).configure(givenModelFlags(), threadsOrDefault(), seed);
  }

  /** Builds the trainer named by {@code --model} from the flags. */
  public Trainer<?> trainer() {
    return configured().trainer();
  }

  /** The registry flags given on the command line, as text (a switch as "true"). */
  public Map<String, String> givenModelFlags() {
    CommandLine.ParseResult pr = command.commandLine().getParseResult();
    Map<String, String> given = new LinkedHashMap<>();
    for (Models.FlagInfo f : Models.flags().values()) {
      OptionSpec o = pr.matchedOption(f.name());
      if (o != null) given.put(f.name(), f.isSwitch() ? "true" : String.valueOf((Object) o.getValue()));
    }
    return given;
  }

  /**
   * Declares every registry model flag on a command, once, with the models that take it in its
   * help; the values are read back by {@link #givenModelFlags()}.
   */
  public static final class Installer implements CommandLine.IModelTransformer {
    @Override
    public CommandSpec transform(CommandSpec spec) {
      for (Models.FlagInfo f : Models.flags().values()) {
        OptionSpec.Builder b = OptionSpec.builder(f.name()).description(f.description());
        if (f.isSwitch()) {
          b.type(boolean.class).arity("0");
        } else {
          b.type(String.class).paramLabel(f.label()).arity("1");
        }
        spec.addOption(b.build());
      }
      return spec;
    }
  }
}
