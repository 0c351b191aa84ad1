package dev.kindred.data;

import java.util.Locale;
import java.util.Objects;

/**
 * Which columns of a table with named columns (a Parquet file) hold the user id, the item id, the
 * value and the timestamp. The CLI syntax is {@code spark-train}'s:
 * {@code user=NAME,item=NAME[,value=NAME][,ts=NAME]}, with {@code rating} accepted for
 * {@code value} and {@code timestamp} for {@code ts}.
 *
 * <p>Invariants (checked in the constructor): user and item are non-blank; value and timestamp
 * are null (absent: every value is 1, no timestamps) or non-blank; no two names coincide.
 *
 * @param user column of the user id
 * @param item column of the item id
 * @param value column of the value (rating), or null
 * @param timestamp column of the integer timestamp, or null
 */
public record NamedColumns(String user, String item, String value, String timestamp) {

  /**
   * The default names {@code user, item, value, ts}, as {@code spark-train} and the Parquet
   * writer use them. With this mapping value and timestamp are read when the file has them.
   */
  public static final NamedColumns DEFAULTS = new NamedColumns("user", "item", "value", "ts");

  public NamedColumns {
    if (user == null || user.isBlank() || item == null || item.isBlank()) {
      throw new IllegalArgumentException("user and item column names are required, got user=" + user + ", item=" + item);
    }
    if ((value != null && value.isBlank()) || (timestamp != null && timestamp.isBlank())) {
      throw new IllegalArgumentException("value and ts column names must be non-blank or absent, got value='" + value
          + "', ts='" + timestamp + "'");
    }
    if (user.equals(item) || user.equals(value) || user.equals(timestamp) || item.equals(value)
        || item.equals(timestamp) || (value != null && value.equals(timestamp))) {
      throw new IllegalArgumentException("column names must be distinct, got user=" + user + ", item=" + item
          + ", value=" + value + ", ts=" + timestamp);
    }
  }

  public NamedColumns withValue(String name) {
    return new NamedColumns(user, item, name, timestamp);
  }

  public NamedColumns withTimestamp(String name) {
    return new NamedColumns(user, item, value, name);
  }

  /**
   * Parses {@code user=NAME,item=NAME[,value=NAME][,ts=NAME]}; keys are case-insensitive, names
   * are kept as written (trimmed).
   *
   * @throws IllegalArgumentException naming the offending part of the spec
   */
  public static NamedColumns parse(String spec) {
    Objects.requireNonNull(spec, "spec");
    String[] names = new String[4]; // user, item, value, ts
    for (String part : spec.split(",", -1)) {
      int eq = part.indexOf('=');
      String name = eq < 0 ? "" : part.substring(eq + 1).trim();
      if (eq <= 0 || name.isEmpty()) {
        throw new IllegalArgumentException("bad column spec '" + spec + "': expected key=NAME, got '" + part.trim() + "'");
      }
      String key = part.substring(0, eq).trim().toLowerCase(Locale.ROOT);
      int slot = switch (key) {
        case "user" -> 0;
        case "item" -> 1;
        case "value", "rating" -> 2;
        case "ts", "timestamp" -> 3;
        default -> throw new IllegalArgumentException("bad column spec '" + spec + "': unknown key '" + key
            + "', expected user, item, value (rating) or ts (timestamp)");
      };
      if (names[slot] != null) {
        throw new IllegalArgumentException("bad column spec '" + spec + "': " + key + " given twice");
      }
      names[slot] = name;
    }
    if (names[0] == null || names[1] == null) {
      throw new IllegalArgumentException("bad column spec '" + spec + "': user and item columns are required");
    }
    return new NamedColumns(names[0], names[1], names[2], names[3]);
  }

  @Override
  public String toString() {
    return "user=" + user + ",item=" + item + (value == null ? "" : ",value=" + value)
        + (timestamp == null ? "" : ",ts=" + timestamp);
  }
}
