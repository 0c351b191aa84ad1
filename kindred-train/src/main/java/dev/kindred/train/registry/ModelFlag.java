package dev.kindred.train.registry;

import java.util.Objects;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * One flag of one model: its name, value type and help, where its default comes from (the
 * model's config record, nowhere else) and how it sets the config.
 *
 * @param name the flag as typed, with its dashes ({@code --factors})
 * @param type value type
 * @param help one line for {@code --help}
 * @param getter the config's current value (shown as the default), or null when the flag has
 *     no single value to show
 * @param setter the config with the flag's value applied
 * @param <C> the model's config record
 * @param <V> the flag's value type
 */
public record ModelFlag<C, V>(String name, FlagType<V> type, String help, Function<C, ?> getter,
    BiFunction<C, V, C> setter) {

  public ModelFlag {
    Objects.requireNonNull(name, "name");
    if (!name.startsWith("--")) throw new IllegalArgumentException("flag name must start with --, got " + name);
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(help, "help");
    Objects.requireNonNull(setter, "setter");
  }

  /** {@code config} with this flag's text value parsed and applied. */
  C apply(C config, String text) {
    return setter.apply(config, type.parse(name, text));
  }

  /**
   * The default shown in help: the value in {@code defaults}, spelled as it is typed ({@code auto}
   * for a value the config resolves from the data, stored as NaN).
   */
  public String defaultText(C defaults) {
    if (type.isSwitch() || getter == null) return null;
    Object v = getter.apply(defaults);
    if (v instanceof Float f && f.isNaN()) return FlagType.AUTO;
    return v instanceof Enum<?> e ? FlagType.spell(e) : String.valueOf(v);
  }
}
