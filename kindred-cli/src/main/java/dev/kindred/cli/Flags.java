package dev.kindred.cli;

import java.util.Locale;

/** Parsing of enum-valued command-line flags, with one message format. */
final class Flags {

  private Flags() {}

  static <E extends Enum<E>> E enumValue(Class<E> type, String s, String flag) {
    try {
      return Enum.valueOf(type, s.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
    } catch (IllegalArgumentException e) {
      StringBuilder names = new StringBuilder();
      for (E v : type.getEnumConstants()) names.append(names.isEmpty() ? "" : ", ").append(v.name().toLowerCase(Locale.ROOT));
      throw new IllegalArgumentException("unknown " + flag + " '" + s + "': expected " + names);
    }
  }

}
