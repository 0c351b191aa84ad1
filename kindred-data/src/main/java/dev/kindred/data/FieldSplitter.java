package dev.kindred.data;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Splits one line into fields for the general (slow) path of the reader. Fields are byte ranges
 * of the line, or of a scratch buffer for quoted fields (whose {@code ""} escapes are resolved).
 * Spaces and tabs around a field are trimmed unless they are the delimiter; with a single-space
 * delimiter, runs of spaces count as one. Not thread-safe; reused line after line.
 */
final class FieldSplitter {

  private final byte[] delim;
  private final boolean quotes;
  private final boolean collapse;
  private final boolean trimSpace;
  private final boolean trimTab;
  private int[] start = new int[8];
  private int[] end = new int[8];
  private boolean[] quoted = new boolean[8];
  private byte[] scratch = new byte[256];
  private int scratchLen;
  private String problem;

  FieldSplitter(Dialect d) {
    this.delim = d.delimiter();
    this.quotes = d.quotes();
    this.collapse = d.collapseSpaces();
    String ds = new String(delim, StandardCharsets.UTF_8);
    this.trimSpace = ds.indexOf(' ') < 0;
    this.trimTab = ds.indexOf('\t') < 0;
  }

  /** Splits {@code line[s, e)} (no line terminator); returns the field count, or -1 (see {@link #problem()}). */
  int split(byte[] line, int s, int e) {
    int n = 0;
    scratchLen = 0;
    int p = s;
    if (collapse) {
      while (p < e && line[p] == ' ') {
        p++;
      }
    }
    while (true) {
      if (n == start.length) {
        start = Arrays.copyOf(start, n * 2);
        end = Arrays.copyOf(end, n * 2);
        quoted = Arrays.copyOf(quoted, n * 2);
      }
      while (p < e && isTrim(line[p])) {
        p++;
      }
      if (quotes && p < e && line[p] == '"') {
        int from = scratchLen;
        p++;
        boolean closed = false;
        while (p < e) {
          byte x = line[p++];
          if (x == '"') {
            if (p < e && line[p] == '"') {
              put((byte) '"');
              p++;
              continue;
            }
            closed = true;
            break;
          }
          put(x);
        }
        if (!closed) {
          problem = "unterminated quoted field " + (n + 1);
          return -1;
        }
        while (p < e && isTrim(line[p])) {
          p++;
        }
        start[n] = from;
        end[n] = scratchLen;
        quoted[n] = true;
        n++;
        if (p == e) {
          return n;
        }
        if (!delimiterAt(line, p, e)) {
          problem = "unexpected text after the closing quote of field " + n;
          return -1;
        }
        p += delim.length;
      } else {
        int from = p;
        while (p < e && !delimiterAt(line, p, e)) {
          p++;
        }
        int to = p;
        while (to > from && isTrim(line[to - 1])) {
          to--;
        }
        start[n] = from;
        end[n] = to;
        quoted[n] = false;
        n++;
        if (p == e) {
          return n;
        }
        p += delim.length;
      }
      if (collapse) {
        while (p < e && line[p] == ' ') {
          p++;
        }
        if (p == e) {
          return n;
        }
      }
    }
  }

  String problem() {
    return problem;
  }

  /** The bytes holding field {@code k}: the line itself or the scratch buffer. */
  byte[] source(int k, byte[] line) {
    return quoted[k] ? scratch : line;
  }

  int start(int k) {
    return start[k];
  }

  int end(int k) {
    return end[k];
  }

  /** Field {@code k} as text for a message, shortened to 40 characters. */
  String show(int k, byte[] line) {
    String s = new String(source(k, line), start[k], end[k] - start[k], StandardCharsets.UTF_8);
    return s.length() <= 40 ? s : s.substring(0, 37) + "...";
  }

  private boolean isTrim(byte x) {
    return (x == ' ' && trimSpace) || (x == '\t' && trimTab);
  }

  private boolean delimiterAt(byte[] b, int p, int e) {
    if (b[p] != delim[0]) {
      return false;
    }
    if (delim.length == 1) {
      return true;
    }
    if (p + delim.length > e) {
      return false;
    }
    for (int k = 1; k < delim.length; k++) {
      if (b[p + k] != delim[k]) {
        return false;
      }
    }
    return true;
  }

  private void put(byte x) {
    if (scratchLen == scratch.length) {
      scratch = Arrays.copyOf(scratch, scratchLen * 2);
    }
    scratch[scratchLen++] = x;
  }
}
