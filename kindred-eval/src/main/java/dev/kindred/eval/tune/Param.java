package dev.kindred.eval.tune;

import java.util.Locale;
import java.util.SplittableRandom;

/**
 * One dimension of a {@link SearchSpace}: a model flag and the range its values are drawn from.
 * Rates and regularisation are drawn log-uniformly ({@code log}), sizes as integers ({@code int};
 * {@code int} with {@code log} for sizes spanning decades, e.g. factors 16..256).
 *
 * @param flag the model flag, e.g. {@code --factors}
 * @param lo smallest value, inclusive
 * @param hi largest value, inclusive; {@code hi >= lo}, and {@code lo > 0} when {@code log}
 * @param log draw uniformly in {@code log(value)} instead of in value
 * @param integer round to an integer (the flag takes whole numbers)
 */
public record Param(String flag, double lo, double hi, boolean log, boolean integer) {

  public Param {
    if (flag == null || !flag.startsWith("--")) throw new IllegalArgumentException("a parameter names a flag (--name), got " + flag);
    if (!(Double.isFinite(lo) && Double.isFinite(hi) && lo <= hi)) {
      throw new IllegalArgumentException(flag + ": need finite lo <= hi, got " + lo + ":" + hi);
    }
    if (log && lo <= 0) throw new IllegalArgumentException(flag + ": a log range needs lo > 0, got " + lo);
    if (integer && Math.floor(hi) < Math.ceil(lo)) {
      throw new IllegalArgumentException(flag + ": no integer in " + lo + ":" + hi);
    }
  }

  public static Param uniform(String flag, double lo, double hi) {
    return new Param(flag, lo, hi, false, false);
  }

  public static Param logUniform(String flag, double lo, double hi) {
    return new Param(flag, lo, hi, true, false);
  }

  public static Param integers(String flag, int lo, int hi) {
    return new Param(flag, lo, hi, false, true);
  }

  public static Param logIntegers(String flag, int lo, int hi) {
    return new Param(flag, lo, hi, true, true);
  }

  /**
   * Parses {@code name=lo:hi[:log][:int]} (the {@code --param} flag; {@code name} with or without
   * the leading dashes), e.g. {@code regularization=0.01:100:log} or {@code factors=16:256:log:int}.
   */
  public static Param parse(String text) {
    int eq = text.indexOf('=');
    if (eq <= 0) throw new IllegalArgumentException("--param '" + text + "': expected name=lo:hi[:log][:int]");
    String name = text.substring(0, eq).trim();
    String[] parts = text.substring(eq + 1).split(":");
    if (parts.length < 2) throw new IllegalArgumentException("--param '" + text + "': expected name=lo:hi[:log][:int]");
    boolean log = false;
    boolean integer = false;
    for (int j = 2; j < parts.length; j++) {
      switch (parts[j].trim().toLowerCase(Locale.ROOT)) {
        case "log" -> log = true;
        case "int" -> integer = true;
        default -> throw new IllegalArgumentException("--param '" + text + "': unknown option '" + parts[j]
            + "' (expected log or int)");
      }
    }
    try {
      return new Param(name.startsWith("--") ? name : "--" + name, Double.parseDouble(parts[0].trim()),
          Double.parseDouble(parts[1].trim()), log, integer);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--param '" + text + "': lo and hi must be numbers", e);
    }
  }

  /** A value drawn from the range, as the flag's text. */
  public String sample(SplittableRandom r) {
    return fromUnit(r.nextDouble());
  }

  /**
   * The flag's text for position {@code u} in {@code [0, 1]} of the range (in {@code log(value)}
   * for a log range): 0 is {@code lo}, 1 is {@code hi}.
   */
  public String fromUnit(double u) {
    double v = log ? Math.exp(Math.log(lo) + u * (Math.log(hi) - Math.log(lo))) : lo + u * (hi - lo);
    if (integer) {
      long x = Math.round(v);
      return Long.toString(Math.max((long) Math.ceil(lo), Math.min((long) Math.floor(hi), x)));
    }
    return String.format(Locale.ROOT, "%.4g", v).trim();
  }

  /** Where {@code value} lies in the range, as {@link #fromUnit} measures it (clamped to [0, 1]). */
  public double toUnit(double value) {
    if (hi == lo) return 0.5;
    double u = log ? (Math.log(value) - Math.log(lo)) / (Math.log(hi) - Math.log(lo)) : (value - lo) / (hi - lo);
    return Double.isNaN(u) ? 0.5 : Math.clamp(u, 0, 1);
  }

  /** {@code --flag lo:hi[:log][:int]}, as {@link #parse} reads it. */
  @Override
  public String toString() {
    return flag.substring(2) + "=" + number(lo) + ":" + number(hi) + (log ? ":log" : "") + (integer ? ":int" : "");
  }

  private static String number(double v) {
    return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : Double.toString(v);
  }
}
