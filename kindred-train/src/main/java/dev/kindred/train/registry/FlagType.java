package dev.kindred.train.registry;

import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The value type of a model flag: how its text becomes a typed value, and how a front end shows
 * it. A {@linkplain #isSwitch() switch} takes no value on the command line (given means true).
 *
 * @param label what the value looks like in help ({@code K}, {@code ETA}, {@code cg|cholesky})
 * @param isSwitch the flag takes no value
 * @param parser text to value; throws {@link IllegalArgumentException} with what was expected
 * @param <V> the value's Java type
 */
public record FlagType<V>(String label, boolean isSwitch, Function<String, V> parser) {

  public FlagType {
    Objects.requireNonNull(label, "label");
    Objects.requireNonNull(parser, "parser");
  }

  public static final FlagType<Integer> INT = new FlagType<>("N", false, s -> {
    try {
      return Integer.valueOf(s.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("expected an integer, got '" + s + "'");
    }
  });

  public static final FlagType<Float> FLOAT = new FlagType<>("X", false, s -> {
    try {
      float v = Float.parseFloat(s.trim());
      if (!Float.isFinite(v)) throw new NumberFormatException();
      return v;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("expected a finite number, got '" + s + "'");
    }
  });

  /** How a value resolved from the data is written ({@link #FLOAT_OR_AUTO}). */
  public static final String AUTO = "auto";

  /**
   * A finite number, or {@code auto} (parsed as NaN): the config resolves it from the training
   * data's shape when training starts (see the model's config record for the rule).
   */
  public static final FlagType<Float> FLOAT_OR_AUTO = new FlagType<>("X|auto", false, s -> {
    if (s.trim().equalsIgnoreCase(AUTO)) return Float.NaN;
    try {
      float v = Float.parseFloat(s.trim());
      if (!Float.isFinite(v)) throw new NumberFormatException();
      return v;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("expected a finite number or auto, got '" + s + "'");
    }
  });

  /** {@code true} or {@code false}, spelled out (for flags whose default may be either). */
  public static final FlagType<Boolean> BOOLEAN = new FlagType<>("true|false", false, s -> switch (s.trim()
      .toLowerCase(Locale.ROOT)) {
    case "true" -> Boolean.TRUE;
    case "false" -> Boolean.FALSE;
    default -> throw new IllegalArgumentException("expected true or false, got '" + s + "'");
  });

  /** Present or absent; the value is always true. */
  public static final FlagType<Boolean> SWITCH = new FlagType<>("", true, s -> Boolean.TRUE);

  /** One of an enum's constants, written in lower case with '-' for '_'. */
  public static <E extends Enum<E>> FlagType<E> of(Class<E> type) {
    String names = Arrays.stream(type.getEnumConstants()).map(FlagType::spell).collect(Collectors.joining("|"));
    return new FlagType<>(names, false, s -> {
      String want = s.trim().toLowerCase(Locale.ROOT).replace('_', '-');
      for (E v : type.getEnumConstants()) {
        if (spell(v).equals(want)) return v;
      }
      throw new IllegalArgumentException("expected one of " + names.replace("|", ", ") + ", got '" + s + "'");
    });
  }

  /** How an enum constant is written on the command line. */
  public static String spell(Enum<?> v) {
    return v.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** The same type with another help label ({@code K} instead of {@code N}). */
  public FlagType<V> labelled(String newLabel) {
    return new FlagType<>(newLabel, isSwitch, parser);
  }

  V parse(String flag, String text) {
    try {
      return parser.apply(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(flag + ": " + e.getMessage(), e);
    }
  }
}
