package dev.kindred.data;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The interaction file layouts {@link InteractionReader} knows, by their CLI names.
 *
 * <ul>
 *   <li>{@code ml-100k}: MovieLens 100K {@code u.data}: {@code user\titem\trating\ttimestamp}, no
 *       header, exactly 4 fields.
 *   <li>{@code ml-dat}: MovieLens 1M/10M/20M {@code ratings.dat}: {@code user::item::rating::ts}.
 *   <li>{@code ml-csv}: MovieLens latest {@code ratings.csv}: header
 *       {@code userId,movieId,rating,timestamp}, quoted fields allowed.
 *   <li>{@code tsv}: tab-separated {@code user item [rating [timestamp]]}, no header, lines
 *       starting with {@code #} ignored. The column count is taken from the first data line and
 *       every line must have it.
 *   <li>{@code csv}: the same columns comma-separated, quoted fields allowed, {@code #} comments;
 *       a first line whose rating or timestamp field is not numeric is taken as a header. For
 *       other layouts pass a {@link ColumnMapping}.
 *   <li>{@code lightgcn}: one line per user, {@code user item item ...} separated by spaces;
 *       implicit, every value 1, no timestamps. A user with no items is still indexed.
 * </ul>
 */
public enum InteractionFormat {
  ML_100K("ml-100k", new ColumnMapping("\t", 0, 1, 2, 3, false)),
  ML_DAT("ml-dat", new ColumnMapping("::", 0, 1, 2, 3, false)),
  ML_CSV("ml-csv", new ColumnMapping(",", 0, 1, 2, 3, true)),
  TSV("tsv", new ColumnMapping("\t", 0, 1, 2, 3, false)),
  CSV("csv", new ColumnMapping(",", 0, 1, 2, 3, false)),
  LIGHTGCN("lightgcn", new ColumnMapping(" ", 0, 1, -1, -1, false));

  private final String cliName;
  private final ColumnMapping defaultMapping;

  InteractionFormat(String cliName, ColumnMapping defaultMapping) {
    this.cliName = cliName;
    this.defaultMapping = defaultMapping;
  }

  /** The name used on the command line, e.g. {@code ml-100k}. */
  public String cliName() {
    return cliName;
  }

  /**
   * The widest column layout of this format. For {@code tsv} and {@code csv} the reader accepts
   * fewer trailing columns; for {@code lightgcn} the item column repeats.
   */
  public ColumnMapping defaultMapping() {
    return defaultMapping;
  }

  /** Looks a format up by its CLI name (case-insensitive). */
  public static InteractionFormat parse(String name) {
    String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
    for (InteractionFormat f : values()) {
      if (f.cliName.equals(n)) {
        return f;
      }
    }
    throw new IllegalArgumentException("unknown interaction format '" + name + "': expected one of "
        + Arrays.stream(values()).map(InteractionFormat::cliName).collect(Collectors.joining(", ")));
  }

  @Override
  public String toString() {
    return cliName;
  }

  /** A delimiter as shown in messages: tab as {@code \t}. */
  static String escape(String s) {
    return s.replace("\t", "\\t").replace("\r", "\\r").replace("\n", "\\n");
  }
}
