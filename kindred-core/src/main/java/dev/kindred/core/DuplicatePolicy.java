package dev.kindred.core;

/** What to keep when the same (user, item) pair appears more than once. */
public enum DuplicatePolicy {
  /** The value (and timestamp) of the latest row: the highest timestamp, file order on ties. */
  LAST,
  /** The sum of the values (play counts, clicks); the latest timestamp. */
  SUM,
  /** The largest value; the timestamp of the row that had it. */
  MAX;

  public static DuplicatePolicy parse(String s) {
    try {
      return valueOf(s.trim().toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown duplicate policy '" + s + "': expected last, sum or max");
    }
  }
}
