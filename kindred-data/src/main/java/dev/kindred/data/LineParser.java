package dev.kindred.data;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Parses the lines of one contiguous part of a file into rows of chunk-local user and item
 * indices, values and timestamps. One instance per part; parts are parsed by different threads
 * and merged in file order by {@link InteractionReader}. Not thread-safe.
 *
 * <p>Two paths give the same rows (tested against each other):
 * <ol>
 *   <li>a fast path for the common line, numeric fields in a single-byte-delimited row, that
 *       parses ids and numbers straight from the bytes and allocates nothing;
 *   <li>the general path ({@link FieldSplitter}) for everything else: string ids, quotes, spaces,
 *       comments, blank lines, exponents, and every error message.
 * </ol>
 * A line's ids are registered only after the whole line parsed, so a skipped line leaves no id
 * behind. Line numbers are local to the part; the reader adds the lines of the parts before.
 */
final class LineParser {

  record Problem(long line, String text) {}

  private static final int USER = 0;
  private static final int ITEM = 1;
  private static final int RATING = 2;
  private static final int TS = 3;
  private static final int SKIP = 4;
  private static final long FAIL = Long.MIN_VALUE;

  private final Dialect d;
  private final boolean skipInvalid;
  private final long headerOffset;
  private final FieldSplitter splitter;
  private final byte delim;
  private int[] kinds; // column kinds for the fast path; null when it does not apply
  private long fastMisses;
  private int cursor; // end of the field the last fast* call read

  final LocalIds users = new LocalIds();
  final LocalIds items = new LocalIds();
  int[] rowUser;
  int[] rowItem;
  float[] rowValue;
  long[] rowTs; // null without a timestamp column
  int rows;

  /** Physical lines seen, including header, blank, comment and skipped lines. */
  long lines;
  long skipped;
  final List<Problem> examples = new ArrayList<>();
  /** The first fatal problem; parsing stopped there. */
  Problem error;

  /**
   * @param headerOffset absolute byte offset of the header line to skip, or -1
   * @param expectedRows initial capacity
   */
  LineParser(Dialect d, boolean skipInvalid, long headerOffset, int expectedRows) {
    this.d = d;
    this.skipInvalid = skipInvalid;
    this.headerOffset = headerOffset;
    this.splitter = new FieldSplitter(d);
    int cap = Math.max(16, expectedRows);
    rowUser = new int[cap];
    rowItem = new int[cap];
    rowValue = new float[cap];
    rowTs = d.hasTimestamps() ? new long[cap] : null;
    boolean fast = d.delimiter().length == 1 && d.minFields() == d.maxFields() && !d.perUserLine()
        && !d.collapseSpaces() && !d.inferColumns() && !d.detectHeader();
    delim = d.delimiter()[0];
    if (fast) {
      kinds = new int[d.minFields()];
      Arrays.fill(kinds, SKIP);
      kinds[d.userCol()] = USER;
      kinds[d.itemCol()] = ITEM;
      if (d.ratingCol() >= 0) {
        kinds[d.ratingCol()] = RATING;
      }
      if (d.tsCol() >= 0) {
        kinds[d.tsCol()] = TS;
      }
    }
  }

  /**
   * Parses the complete lines in {@code b[from, to)}; the last may lack its newline only at the
   * end of the file. {@code absFrom} is the offset of {@code b[from]} in the (decompressed) file.
   *
   * @return false if a fatal problem stopped parsing ({@link #error})
   */
  boolean parse(byte[] b, int from, int to, long absFrom) {
    int p = from;
    long headerAt = headerOffset < 0 ? -1 : headerOffset - absFrom + from; // header position in b, if any
    while (p < to) {
      lines++;
      if (p == headerAt) {
        int eol = indexOfNewline(b, p, to);
        p = eol < to ? eol + 1 : to;
        continue;
      }
      if (kinds != null) {
        int q = fastLine(b, p, to);
        if (q >= 0) {
          p = q;
          continue;
        }
        noteFastMiss();
      }
      int eol = indexOfNewline(b, p, to);
      if (!generalLine(b, p, eol)) {
        return false;
      }
      p = eol < to ? eol + 1 : to;
    }
    return true;
  }

  /** Gives up on the fast path when most lines need the general one (e.g. string ids). */
  private void noteFastMiss() {
    if (++fastMisses > 1000 && fastMisses > rows) {
      kinds = null;
    }
  }

  private static int indexOfNewline(byte[] b, int p, int to) {
    while (p < to && b[p] != '\n') {
      p++;
    }
    return p;
  }

  // --- fast path --------------------------------------------------------------------------------

  /** Parses one all-numeric line; returns the start of the next line, or -1 to use the general path. */
  private int fastLine(byte[] b, int p, int end) {
    long user = 0;
    long item = 0;
    long ts = 0;
    float value = 1f;
    int[] k = kinds;
    for (int c = 0; c < k.length; c++) {
      if (c > 0) {
        if (p >= end || b[p] != delim) {
          return -1;
        }
        p++;
      }
      switch (k[c]) {
        case USER -> {
          user = fastId(b, p, end);
          if (user == FAIL) {
            return -1;
          }
        }
        case ITEM -> {
          item = fastId(b, p, end);
          if (item == FAIL) {
            return -1;
          }
        }
        case RATING -> {
          value = fastDecimal(b, p, end);
          if (Float.isNaN(value)) {
            return -1;
          }
        }
        case TS -> {
          ts = fastInteger(b, p, end);
          if (ts == FAIL) {
            return -1;
          }
        }
        default -> {
          if (!skipField(b, p, end)) {
            return -1;
          }
        }
      }
      p = cursor;
    }
    if (p < end) {
      byte x = b[p];
      if (x == '\n') {
        p++;
      } else if (x == '\r' && p + 1 < end && b[p + 1] == '\n') {
        p += 2;
      } else {
        return -1;
      }
    }
    append(users.of(user), items.of(item), value, ts);
    return p;
  }

  /** A canonical id of at most 18 digits (no overflow possible). */
  private long fastId(byte[] b, int p, int end) {
    boolean neg = p < end && b[p] == '-';
    int q = neg ? p + 1 : p;
    int first = q;
    long x = 0;
    while (q < end) {
      int dd = b[q] - '0';
      if (dd < 0 || dd > 9) {
        break;
      }
      x = x * 10 + dd;
      q++;
    }
    int n = q - first;
    if (n == 0 || n > 18 || (b[first] == '0' && (n > 1 || neg))) {
      return FAIL;
    }
    cursor = q;
    return neg ? -x : x;
  }

  /** {@code -?digits(.digits)?} with a mantissa below 2^24 and at most 10 decimals, else NaN. */
  private float fastDecimal(byte[] b, int p, int end) {
    boolean neg = p < end && b[p] == '-';
    int q = neg ? p + 1 : p;
    long m = 0;
    int n = 0;
    while (q < end) {
      int dd = b[q] - '0';
      if (dd < 0 || dd > 9) {
        break;
      }
      m = m * 10 + dd;
      n++;
      q++;
    }
    int frac = 0;
    if (q < end && b[q] == '.') {
      q++;
      while (q < end) {
        int dd = b[q] - '0';
        if (dd < 0 || dd > 9) {
          break;
        }
        m = m * 10 + dd;
        n++;
        frac++;
        q++;
      }
    }
    if (n == 0 || n > 18 || m >= 1 << 24 || frac > 10) {
      return Float.NaN;
    }
    cursor = q;
    // Both operands are exact floats, so the quotient is the correctly rounded value.
    float f = frac == 0 ? (float) m : (float) m / Ascii.POW10F[frac];
    return neg ? -f : f;
  }

  /** {@code -?digits} with at most 18 digits. */
  private long fastInteger(byte[] b, int p, int end) {
    boolean neg = p < end && b[p] == '-';
    int q = neg ? p + 1 : p;
    int first = q;
    long x = 0;
    while (q < end) {
      int dd = b[q] - '0';
      if (dd < 0 || dd > 9) {
        break;
      }
      x = x * 10 + dd;
      q++;
    }
    int n = q - first;
    if (n == 0 || n > 18) {
      return FAIL;
    }
    cursor = q;
    return neg ? -x : x;
  }

  private boolean skipField(byte[] b, int p, int end) {
    while (p < end) {
      byte x = b[p];
      if (x == delim || x == '\n' || x == '\r') {
        break;
      }
      if (x == '"' || x == ' ') {
        return false;
      }
      p++;
    }
    cursor = p;
    return true;
  }

  // --- general path -----------------------------------------------------------------------------

  /** Parses {@code b[s, e)}, a line without its newline; false on a fatal problem. */
  private boolean generalLine(byte[] b, int s, int e) {
    if (e > s && b[e - 1] == '\r') {
      e--;
    }
    if (isBlank(b, s, e) || (d.comments() && b[s] == '#')) {
      return true;
    }
    if (d.perUserLine()) {
      userLine(b, s, e);
      return true;
    }
    FieldSplitter f = splitter;
    int n = f.split(b, s, e);
    if (n < 0) {
      return problem(f.problem());
    }
    if (n < d.minFields() || n > d.maxFields()) {
      return problem(d.fieldCountProblem(n));
    }
    int uc = d.userCol();
    int ic = d.itemCol();
    if (f.start(uc) == f.end(uc)) {
      return problem("empty user id");
    }
    if (f.start(ic) == f.end(ic)) {
      return problem("empty item id");
    }
    float value = 1f;
    if (d.ratingCol() >= 0) {
      int c = d.ratingCol();
      value = Ascii.parseDecimal(f.source(c, b), f.start(c), f.end(c));
      if (Float.isNaN(value)) {
        return problem("rating '" + f.show(c, b) + "' is not a number");
      }
      if (Float.isInfinite(value)) {
        return problem("rating '" + f.show(c, b) + "' is not a finite number");
      }
    }
    long ts = 0;
    if (d.tsCol() >= 0) {
      int c = d.tsCol();
      ts = Ascii.parseInteger(f.source(c, b), f.start(c), f.end(c));
      if (ts == Ascii.NOT_AN_INTEGER) {
        return problem("timestamp '" + f.show(c, b) + "' is not an integer");
      }
    }
    int u = register(users, f.source(uc, b), f.start(uc), f.end(uc));
    int i = register(items, f.source(ic, b), f.start(ic), f.end(ic));
    append(u, i, value, ts);
    return true;
  }

  /** {@code user item item ...} separated by runs of spaces or tabs. */
  private void userLine(byte[] b, int s, int e) {
    int p = s;
    int user = -1;
    while (p < e) {
      while (p < e && (b[p] == ' ' || b[p] == '\t')) {
        p++;
      }
      if (p == e) {
        break;
      }
      int t = p;
      while (p < e && b[p] != ' ' && b[p] != '\t') {
        p++;
      }
      if (user < 0) {
        user = register(users, b, t, p);
      } else {
        append(user, register(items, b, t, p), 1f, 0);
      }
    }
  }

  private static int register(LocalIds ids, byte[] b, int s, int e) {
    long x = Ascii.canonicalLong(b, s, e);
    return x != Ascii.NOT_A_LONG ? ids.of(x) : ids.of(new String(b, s, e - s, StandardCharsets.UTF_8));
  }

  private static boolean isBlank(byte[] b, int s, int e) {
    for (int p = s; p < e; p++) {
      if (b[p] != ' ' && b[p] != '\t') {
        return false;
      }
    }
    return true;
  }

  private boolean problem(String text) {
    if (!skipInvalid) {
      error = new Problem(lines, text);
      return false;
    }
    skipped++;
    if (examples.size() < LoadResult.MAX_EXAMPLES) {
      examples.add(new Problem(lines, text));
    }
    return true;
  }

  private void append(int u, int i, float v, long t) {
    if (rows == rowUser.length) {
      int cap = rows + (rows >> 1) + 16;
      rowUser = Arrays.copyOf(rowUser, cap);
      rowItem = Arrays.copyOf(rowItem, cap);
      rowValue = Arrays.copyOf(rowValue, cap);
      if (rowTs != null) {
        rowTs = Arrays.copyOf(rowTs, cap);
      }
    }
    rowUser[rows] = u;
    rowItem[rows] = i;
    rowValue[rows] = v;
    if (rowTs != null) {
      rowTs[rows] = t;
    }
    rows++;
  }
}
