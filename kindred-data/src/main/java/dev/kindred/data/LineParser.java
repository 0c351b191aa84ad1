package dev.kindred.data;

import java.util.ArrayList;
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

  private final Dialect d;
  private final boolean skipInvalid;
  private final long headerOffset;
  private final FieldSplitter splitter;
  private final byte delim;
  /** Fields of a fast-path line (2 to 4, columns user, item, rating, timestamp), or 0: no fast path. */
  private int fastFields;
  private final boolean readRating;
  private long fastMisses;

  /** The rows parsed so far, with this part's local id numbering. */
  final RowBatch batch;
  private final LocalIds users;
  private final LocalIds items;

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
    batch = new RowBatch(expectedRows, d.hasTimestamps());
    users = batch.users;
    items = batch.items;
    delim = d.delimiter()[0];
    int f = d.minFields();
    boolean fast = d.delimiter().length == 1 && f == d.maxFields() && f >= 2 && f <= 4 && !d.perUserLine()
        && !d.collapseSpaces() && !d.inferColumns() && !d.detectHeader() && d.userCol() == 0 && d.itemCol() == 1
        && (d.ratingCol() == 2 || d.ratingCol() == -1) && d.tsCol() == (f == 4 ? 3 : -1);
    fastFields = fast ? f : 0;
    readRating = d.ratingCol() == 2;
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
      if (fastFields != 0) {
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
    if (++fastMisses > 1000 && fastMisses > batch.rows) {
      fastFields = 0;
    }
  }

  private static int indexOfNewline(byte[] b, int p, int to) {
    while (p < to && b[p] != '\n') {
      p++;
    }
    return p;
  }

  // --- fast path --------------------------------------------------------------------------------

  /**
   * Parses one line laid out {@code user item [rating [timestamp]]} with numeric fields and a
   * one-byte delimiter, straight from the bytes. Returns the start of the next line, or -1 to
   * leave the line to the general path (anything unusual: string or non-canonical ids,
   * exponents, long numbers, spaces, quotes, errors). Written out flat: this loop is the reader.
   */
  private int fastLine(byte[] b, int p, int end) {
    byte dl = delim;
    // user id: -?[1-9][0-9]{0,17} | 0
    boolean neg = b[p] == '-';
    int q = neg ? p + 1 : p;
    int first = q;
    long user = 0;
    int dd;
    while (q < end && (dd = b[q] - '0') >= 0 && dd <= 9) {
      user = user * 10 + dd;
      q++;
    }
    int nd = q - first;
    if (nd == 0 || nd > 18 || (b[first] == '0' && (nd > 1 || neg)) || q >= end || b[q] != dl) {
      return -1;
    }
    if (neg) {
      user = -user;
    }
    // item id
    p = q + 1;
    neg = p < end && b[p] == '-';
    q = neg ? p + 1 : p;
    first = q;
    long item = 0;
    while (q < end && (dd = b[q] - '0') >= 0 && dd <= 9) {
      item = item * 10 + dd;
      q++;
    }
    nd = q - first;
    if (nd == 0 || nd > 18 || (b[first] == '0' && (nd > 1 || neg))) {
      return -1;
    }
    if (neg) {
      item = -item;
    }
    float value = 1f;
    long ts = 0;
    if (fastFields >= 3) {
      if (q >= end || b[q] != dl) {
        return -1;
      }
      p = q + 1;
      if (readRating) {
        // rating: -?[0-9]*(.[0-9]*)? with a mantissa below 2^24 and at most 10 decimals
        neg = p < end && b[p] == '-';
        q = neg ? p + 1 : p;
        long m = 0;
        int digits = 0;
        while (q < end && (dd = b[q] - '0') >= 0 && dd <= 9) {
          m = m * 10 + dd;
          digits++;
          q++;
        }
        int frac = 0;
        if (q < end && b[q] == '.') {
          q++;
          while (q < end && (dd = b[q] - '0') >= 0 && dd <= 9) {
            m = m * 10 + dd;
            frac++;
            q++;
          }
        }
        if (digits + frac == 0 || digits + frac > 18 || m >= 1 << 24 || frac > 10) {
          return -1;
        }
        // Both operands are exact floats, so the quotient is the correctly rounded value.
        value = frac == 0 ? (float) m : (float) m / Ascii.POW10F[frac];
        if (neg) {
          value = -value;
        }
      } else {
        q = p;
        byte x;
        while (q < end && (x = b[q]) != dl && x != '\n' && x != '\r') {
          if (x == '"' || x == ' ') {
            return -1;
          }
          q++;
        }
      }
      if (fastFields == 4) {
        if (q >= end || b[q] != dl) {
          return -1;
        }
        p = q + 1;
        neg = p < end && b[p] == '-';
        q = neg ? p + 1 : p;
        first = q;
        while (q < end && (dd = b[q] - '0') >= 0 && dd <= 9) {
          ts = ts * 10 + dd;
          q++;
        }
        nd = q - first;
        if (nd == 0 || nd > 18) {
          return -1;
        }
        if (neg) {
          ts = -ts;
        }
      }
    }
    if (q < end) {
      byte x = b[q];
      if (x == '\n') {
        q++;
      } else if (x == '\r' && q + 1 < end && b[q + 1] == '\n') {
        q += 2;
      } else {
        return -1;
      }
    }
    append(users.of(user), items.of(item), value, ts);
    return q;
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
    int u = users.ofUtf8(f.source(uc, b), f.start(uc), f.end(uc));
    int i = items.ofUtf8(f.source(ic, b), f.start(ic), f.end(ic));
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
        user = users.ofUtf8(b, t, p);
      } else {
        append(user, items.ofUtf8(b, t, p), 1f, 0);
      }
    }
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
    batch.add(u, i, v, t);
  }
}
