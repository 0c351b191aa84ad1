package dev.kindred.train.registry;

import dev.kindred.core.Trainer;
import dev.kindred.train.warm.InitialFactors;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.ToIntFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One model as every front end sees it: its name, a one-line summary, its config record's
 * defaults, the flags it accepts and how it trains. Front ends (the CLI, {@code spark-train}, the
 * Java API) read these entries from {@link Models}; none maps a model's flags itself.
 *
 * <p>{@code --threads} and {@code --seed} apply to every model and are not listed in
 * {@link #flags()}; a model without randomness or threads ignores them.
 *
 * @param name the name on the command line and in the model file's provenance
 * @param summary one line for {@code kindred models} and {@code --help}
 * @param defaults the config record's defaults
 * @param flags the model's own flags, in help order
 * @param trainer makes the trainer from a config
 * @param withThreads the config with a thread count
 * @param withSeed the config with a seed
 * @param plannedEpochs epochs or iterations the trainer will run at most (for progress bars)
 * @param usesValidation true when the config's training reads held-out data (early stopping)
 * @param valueUse what the model does with interaction values (whether RMSE means anything, and
 *     which data it silently misreads)
 * @param warmTrainer makes the trainer that starts from an earlier model's factors
 *     ({@code train --init-from}), or null when the model cannot warm-start
 * @param <C> the config record
 */
public record ModelSpec<C>(String name, String summary, C defaults, List<ModelFlag<C, ?>> flags,
    Function<C, Trainer<?>> trainer, BiFunction<C, Integer, C> withThreads, BiFunction<C, Long, C> withSeed,
    ToIntFunction<C> plannedEpochs, Predicate<C> usesValidation, ValueUse valueUse,
    BiFunction<C, InitialFactors, Trainer<?>> warmTrainer) {

  private static final Logger LOG = LoggerFactory.getLogger(ModelSpec.class);

  /** What a model does with the values of its interactions. */
  public enum ValueUse {
    /** Fits them by squared error: they must be ratings, and its scores are predicted ratings (RMSE applies). */
    RATINGS,
    /** Ranks items, weighting each positive by its value (confidence {@code c = 1 + alpha * value}). */
    CONFIDENCE,
    /** Ranks items; every observed pair is a positive whatever its value. */
    IGNORED,
    /** Ranks items; how values enter is the model's own business (no warning is given either way). */
    RANKING
  }

  public ModelSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(summary, "summary");
    Objects.requireNonNull(defaults, "defaults");
    flags = List.copyOf(flags);
    Objects.requireNonNull(trainer, "trainer");
    Objects.requireNonNull(withThreads, "withThreads");
    Objects.requireNonNull(withSeed, "withSeed");
    Objects.requireNonNull(plannedEpochs, "plannedEpochs");
    Objects.requireNonNull(usesValidation, "usesValidation");
    Objects.requireNonNull(valueUse, "valueUse");
    Map<String, ModelFlag<C, ?>> seen = new LinkedHashMap<>();
    for (ModelFlag<C, ?> f : flags) {
      if (seen.put(f.name(), f) != null) {
        throw new IllegalArgumentException("model " + name + " declares " + f.name() + " twice");
      }
    }
  }

  /** Starts an entry: name, summary, defaults and trainer; the builder adds flags. */
  public static <C> Builder<C> builder(String name, String summary, C defaults, Function<C, Trainer<?>> trainer) {
    return new Builder<>(name, summary, defaults, trainer);
  }

  /**
   * The flag named {@code flagName}, or its synonym ({@code --epochs} and {@code --iterations} name
   * the same thing: passes over the data), or empty when the model does not take it.
   */
  public Optional<ModelFlag<C, ?>> flag(String flagName) {
    for (String n : new String[] {flagName, SYNONYMS.get(flagName)}) {
      for (ModelFlag<C, ?> f : flags) {
        if (f.name().equals(n)) return Optional.of(f);
      }
    }
    return Optional.empty();
  }

  private static final Map<String, String> SYNONYMS = Map.of("--epochs", "--iterations", "--iterations", "--epochs");

  public List<String> flagNames() {
    return flags.stream().map(ModelFlag::name).toList();
  }

  /**
   * The config for the given flag values (flag name -> text; switches map to any text), the
   * thread count and, when not null, the seed. Flags not given keep the defaults.
   *
   * @throws IllegalArgumentException naming the flag when it does not apply to this model or its
   *     value does not parse or is out of range
   */
  public Configured<C> configure(Map<String, String> given, int threads, Long seed) {
    C c = withThreads.apply(defaults, threads);
    if (seed != null) c = withSeed.apply(c, seed);
    for (Map.Entry<String, String> e : given.entrySet()) {
      ModelFlag<C, ?> f = flag(e.getKey()).orElseThrow(() -> notApplicable(e.getKey()));
      try {
        c = f.apply(c, e.getValue());
      } catch (IllegalArgumentException ex) {
        // A config record's own validation names its field; say which flag set it.
        String m = ex.getMessage();
        throw new IllegalArgumentException(m != null && m.startsWith(f.name()) ? m : f.name() + ": " + m, ex);
      }
    }
    return new Configured<>(this, c);
  }

  /** The error for a flag this model does not take, listing the ones it does. */
  public IllegalArgumentException notApplicable(String flagName) {
    List<String> ok = flagNames();
    return new IllegalArgumentException(flagName + " does not apply to --model " + name
        + (ok.isEmpty() ? " (it takes no model flags)" : " (its flags: " + String.join(", ", ok) + ")"));
  }

  /** True when the model can start from an earlier model's factors ({@link Configured#initFrom}). */
  public boolean warmStarts() {
    return warmTrainer != null;
  }

  /**
   * A model with its config fixed, ready to train.
   *
   * @param spec the registry entry
   * @param config the typed config
   * @param initial where training starts: {@link InitialFactors#NONE}, or an earlier model
   * @param <C> the config record
   */
  public record Configured<C>(ModelSpec<C> spec, C config, InitialFactors initial) {

    public Configured {
      Objects.requireNonNull(initial, "initial");
      if (!initial.isNone() && !spec.warmStarts()) {
        throw new IllegalArgumentException("--init-from does not apply to --model " + spec.name()
            + " (warm start: " + String.join(", ", Models.warmStartNames()) + ")");
      }
    }

    /** Starts from the trainer's own initialisation. */
    public Configured(ModelSpec<C> spec, C config) {
      this(spec, config, InitialFactors.NONE);
    }

    /**
     * The same model, training from {@code initial}: known users and items keep its factors.
     *
     * @throws IllegalArgumentException when this model cannot warm-start
     */
    public Configured<C> initFrom(InitialFactors initial) {
      return new Configured<>(spec, config, initial);
    }

    public Trainer<?> trainer() {
      return initial.isNone() ? spec.trainer().apply(config) : spec.warmTrainer().apply(config, initial);
    }

    public int plannedEpochs() {
      return spec.plannedEpochs().applyAsInt(config);
    }

    public boolean usesValidation() {
      return spec.usesValidation().test(config);
    }

    public String name() {
      return spec.name();
    }

    /**
     * Logs (SLF4J, warn) and returns the warning for data this model would silently misread, or
     * empty: a rating model given
     * values that are all equal ({@code --implicit} or a file of events) learns a constant; a
     * ranking model given ratings counts every rated item, low ratings included, as a positive.
     *
     * @param valuesAreRatings whether the training values vary (more than one distinct value)
     */
    public Optional<String> warnAboutData(boolean valuesAreRatings) {
      String n = spec.name();
      Optional<String> warning = Optional.ofNullable(switch (spec.valueUse()) {
        case RATINGS -> valuesAreRatings ? null : n + " fits the values by squared error, but every value is the "
            + "same (--implicit, or a file of events): it learns a constant and its lists mean nothing; for "
            + "implicit feedback use ials or bpr";
        case CONFIDENCE -> valuesAreRatings ? n + " reads the values as confidences (c = 1 + alpha * value): every "
            + "rated item, low ratings included, counts as a positive, higher ratings more; pass --implicit to weigh "
            + "each interaction as 1, or drop low ratings first" : null;
        case IGNORED -> valuesAreRatings ? n + " ignores the values: every rated item, low ratings included, counts "
            + "as a positive; drop low ratings first if they mean dislike" : null;
        case RANKING -> null;
      });
      warning.ifPresent(LOG::warn);
      return warning;
    }
  }

  /**
   * Builds a {@link ModelSpec}; each {@code flag} call names the flag, its type, help, the
   * config's getter (for the default shown in help) and setter.
   *
   * @param <C> the config record
   */
  public static final class Builder<C> {
    private final String name;
    private final String summary;
    private final C defaults;
    private final Function<C, Trainer<?>> trainer;
    private final List<ModelFlag<C, ?>> flags = new ArrayList<>();
    private BiFunction<C, Integer, C> withThreads = (c, t) -> c;
    private BiFunction<C, Long, C> withSeed = (c, s) -> c;
    private ToIntFunction<C> plannedEpochs = c -> 1;
    private Predicate<C> usesValidation = c -> false;
    private ValueUse valueUse = ValueUse.RANKING;
    private BiFunction<C, InitialFactors, Trainer<?>> warmTrainer;

    private Builder(String name, String summary, C defaults, Function<C, Trainer<?>> trainer) {
      this.name = name;
      this.summary = summary;
      this.defaults = defaults;
      this.trainer = trainer;
    }

    public <V> Builder<C> flag(String flagName, FlagType<V> type, String help, Function<C, ?> getter,
        BiFunction<C, V, C> setter) {
      flags.add(new ModelFlag<>(flagName, type, help, getter, setter));
      return this;
    }

    public Builder<C> threads(BiFunction<C, Integer, C> v) {
      withThreads = v;
      return this;
    }

    public Builder<C> seed(BiFunction<C, Long, C> v) {
      withSeed = v;
      return this;
    }

    public Builder<C> epochs(ToIntFunction<C> v) {
      plannedEpochs = v;
      return this;
    }

    public Builder<C> usesValidation(Predicate<C> v) {
      usesValidation = v;
      return this;
    }

    public Builder<C> valueUse(ValueUse v) {
      valueUse = v;
      return this;
    }

    /** The model can warm-start: {@code v} makes its trainer from a config and an earlier model. */
    public Builder<C> warmStart(BiFunction<C, InitialFactors, Trainer<?>> v) {
      warmTrainer = v;
      return this;
    }

    public ModelSpec<C> build() {
      return new ModelSpec<>(name, summary, defaults, flags, trainer, withThreads, withSeed, plannedEpochs,
          usesValidation, valueUse, warmTrainer);
    }
  }
}
