package dev.kindred.data;

import java.util.Locale;
import java.util.Objects;

/**
 * Where the fields of a delimited interaction file are: the delimiter, and the 0-based column of
 * the user id, the item id, the rating and the timestamp.
 *
 * <p>Invariants (checked in the constructor): the delimiter is non-empty and contains no line
 * break or double quote; user and item columns are {@code >= 0}; rating and timestamp columns
 * are {@code >= 0} or {@code -1} (absent); no two columns coincide. A row must have at least
 * {@link #minFields()} fields; further fields are ignored.
 *
 * @param delimiter the field separator, e.g. {@code "\t"}, {@code ","} or {@code "::"}
 * @param userColumn column of the user id
 * @param itemColumn column of the item id
 * @param ratingColumn column of the rating, or -1 (every value is then 1)
 * @param timestampColumn column of the integer timestamp, or -1
 * @param header whether the first line is a header to skip
 */
public record ColumnMapping(String delimiter, int userColumn, int itemColumn, int ratingColumn, int timestampColumn,
    boolean header) {

  /** The largest column index accepted: far beyond any real file, small enough that counts never overflow. */
  public static final int MAX_COLUMN = 65_535;

  public ColumnMapping {
    Objects.requireNonNull(delimiter, "delimiter");
    if (delimiter.isEmpty() || delimiter.indexOf('\n') >= 0 || delimiter.indexOf('\r') >= 0
        || delimiter.indexOf('"') >= 0) {
      throw new IllegalArgumentException("delimiter must be non-empty without line breaks or quotes, got '"
          + InteractionFormat.escape(delimiter) + "'");
    }
    if (userColumn < 0 || itemColumn < 0) {
      throw new IllegalArgumentException("user and item columns must be >= 0, got user=" + userColumn
          + ", item=" + itemColumn);
    }
    if (Math.max(Math.max(userColumn, itemColumn), Math.max(ratingColumn, timestampColumn)) > MAX_COLUMN) {
      throw new IllegalArgumentException("columns must be at most " + MAX_COLUMN + ", got user=" + userColumn
          + ", item=" + itemColumn + ", rating=" + ratingColumn + ", ts=" + timestampColumn);
    }
    if (ratingColumn < -1 || timestampColumn < -1) {
      throw new IllegalArgumentException("rating and timestamp columns must be >= 0 or -1 (absent), got rating="
          + ratingColumn + ", ts=" + timestampColumn);
    }
    if (userColumn == itemColumn || userColumn == ratingColumn || userColumn == timestampColumn
        || itemColumn == ratingColumn || itemColumn == timestampColumn
        || (ratingColumn >= 0 && ratingColumn == timestampColumn)) {
      throw new IllegalArgumentException("columns must be distinct, got user=" + userColumn + ", item=" + itemColumn
          + ", rating=" + ratingColumn + ", ts=" + timestampColumn);
    }
  }

  /** Fields a row needs: one more than the largest column used. */
  public int minFields() {
    return Math.max(Math.max(userColumn, itemColumn), Math.max(ratingColumn, timestampColumn)) + 1;
  }

  public boolean hasRating() {
    return ratingColumn >= 0;
  }

  public boolean hasTimestamp() {
    return timestampColumn >= 0;
  }

  /**
   * Parses a CLI column spec such as {@code user=0,item=1,rating=2,ts=3}. Keys are {@code user},
   * {@code item}, {@code rating} and {@code ts} (or {@code timestamp}); user and item are required.
   * The delimiter may be given literally or as {@code \t}, {@code tab}, {@code comma},
   * {@code semicolon}, {@code pipe} or {@code space}.
   *
   * @throws IllegalArgumentException naming the offending part of the spec
   */
  public static ColumnMapping parse(String spec, String delimiter, boolean header) {
    Objects.requireNonNull(spec, "spec");
    int user = -1;
    int item = -1;
    int rating = -1;
    int ts = -1;
    for (String part : spec.split(",", -1)) {
      String p = part.trim();
      int eq = p.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("bad column spec '" + spec + "': expected key=index, got '" + p + "'");
      }
      String key = p.substring(0, eq).trim().toLowerCase(Locale.ROOT);
      String value = p.substring(eq + 1).trim();
      int col;
      try {
        col = Integer.parseInt(value);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("bad column spec '" + spec + "': column of " + key + " must be an integer, got '"
            + value + "'");
      }
      if (col < 0) {
        throw new IllegalArgumentException("bad column spec '" + spec + "': column of " + key + " must be >= 0, got " + col);
      }
      switch (key) {
        case "user" -> user = set(spec, key, user, col);
        case "item" -> item = set(spec, key, item, col);
        case "rating" -> rating = set(spec, key, rating, col);
        case "ts", "timestamp" -> ts = set(spec, "ts", ts, col);
        default -> throw new IllegalArgumentException("bad column spec '" + spec + "': unknown key '" + key
            + "', expected user, item, rating or ts");
      }
    }
    if (user < 0 || item < 0) {
      throw new IllegalArgumentException("bad column spec '" + spec + "': user and item columns are required");
    }
    return new ColumnMapping(parseDelimiter(delimiter), user, item, rating, ts, header);
  }

  private static int set(String spec, String key, int old, int col) {
    if (old >= 0) {
      throw new IllegalArgumentException("bad column spec '" + spec + "': " + key + " given twice");
    }
    return col;
  }

  /** Resolves the named delimiters accepted by {@link #parse}. */
  static String parseDelimiter(String d) {
    Objects.requireNonNull(d, "delimiter");
    return switch (d.toLowerCase(Locale.ROOT)) {
      case "\\t", "tab" -> "\t";
      case "comma" -> ",";
      case "semicolon" -> ";";
      case "pipe" -> "|";
      case "space" -> " ";
      default -> d;
    };
  }
}
