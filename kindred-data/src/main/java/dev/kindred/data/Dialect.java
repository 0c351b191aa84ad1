package dev.kindred.data;

import java.nio.charset.StandardCharsets;

/**
 * Everything the line parser needs to know about one file, resolved from a format or a column
 * mapping (and, for {@code tsv}/{@code csv}, from the file's first data line).
 *
 * @param delimiter field separator bytes (UTF-8)
 * @param userCol column of the user id
 * @param itemCol column of the item id
 * @param ratingCol column read as the value, or -1 (value 1; also when the rating is ignored)
 * @param tsCol column of the timestamp, or -1
 * @param minFields fewest fields a row may have
 * @param maxFields most fields a row may have ({@code Integer.MAX_VALUE}: no limit)
 * @param header whether the file's first line is a header
 * @param detectHeader whether a header is detected from the first data line ({@code csv})
 * @param inferColumns whether the column count is taken from the first data line
 * @param quotes whether a field that starts with {@code "} is an RFC 4180 quoted field
 * @param comments whether lines starting with {@code #} are skipped
 * @param perUserLine {@code lightgcn}: {@code user item item ...} on each line
 */
record Dialect(byte[] delimiter, int userCol, int itemCol, int ratingCol, int tsCol, int minFields, int maxFields,
    boolean header, boolean detectHeader, boolean inferColumns, boolean quotes, boolean comments,
    boolean perUserLine) {

  static Dialect of(InteractionFormat format, ReadOptions opts) {
    ColumnMapping m = format.defaultMapping();
    byte[] delim = m.delimiter().getBytes(StandardCharsets.UTF_8);
    int rating = opts.implicit() ? -1 : m.ratingColumn();
    return switch (format) {
      case ML_100K, ML_DAT -> new Dialect(delim, 0, 1, rating, 3, 4, 4, false, false, false, false, false, false);
      case ML_CSV -> new Dialect(delim, 0, 1, rating, 3, 4, 4, true, false, false, true, false, false);
      case TSV -> new Dialect(delim, 0, 1, rating, 3, 2, 4, false, false, true, false, true, false);
      case CSV -> new Dialect(delim, 0, 1, rating, 3, 2, 4, false, true, true, true, true, false);
      case LIGHTGCN -> new Dialect(delim, 0, 1, -1, -1, 1, Integer.MAX_VALUE, false, false, false, false, false, true);
    };
  }

  static Dialect of(ColumnMapping m, ReadOptions opts) {
    String d = m.delimiter();
    boolean quotes = !d.equals("\t") && !d.equals(" ");
    return new Dialect(d.getBytes(StandardCharsets.UTF_8), m.userColumn(), m.itemColumn(),
        opts.implicit() ? -1 : m.ratingColumn(), m.timestampColumn(), m.minFields(), Integer.MAX_VALUE, m.header(),
        false, false, quotes, true, false);
  }

  /** The dialect once the first data line showed {@code fields} columns (2: no rating, 4: with timestamp). */
  Dialect withColumnCount(int fields, boolean headerLine, boolean implicit) {
    int rating = fields >= 3 && !implicit ? 2 : -1;
    int ts = fields >= 4 ? 3 : -1;
    return new Dialect(delimiter, userCol, itemCol, rating, ts, fields, fields, headerLine, false, false, quotes,
        comments, perUserLine);
  }

  boolean hasTimestamps() {
    return tsCol >= 0;
  }

  /** Runs of spaces separate fields, as in awk, when the delimiter is a single space. */
  boolean collapseSpaces() {
    return delimiter.length == 1 && delimiter[0] == ' ';
  }

  String delimiterText() {
    return InteractionFormat.escape(new String(delimiter, StandardCharsets.UTF_8));
  }

  String fieldCountProblem(int found) {
    String expected;
    if (minFields == maxFields) {
      expected = minFields + " fields";
    } else if (maxFields == Integer.MAX_VALUE) {
      expected = "at least " + minFields + " fields";
    } else {
      expected = minFields + " to " + maxFields + " fields";
    }
    return "expected " + expected + " separated by '" + delimiterText() + "', found " + found;
  }
}
