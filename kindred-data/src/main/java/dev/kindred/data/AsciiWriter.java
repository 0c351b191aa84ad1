package dev.kindred.data;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/** A buffered writer of bytes and decimal numbers, with no per-number allocation. Not thread-safe. */
final class AsciiWriter {

  private static final int FLUSH_AT = (1 << 20) - 64;

  private final OutputStream out;
  private final byte[] buf = new byte[1 << 20];
  private int len;

  AsciiWriter(OutputStream out) {
    this.out = out;
  }

  void write(byte b) throws IOException {
    if (len >= FLUSH_AT) {
      flush();
    }
    buf[len++] = b;
  }

  /** Writes a long in decimal. */
  void writeLong(long v) throws IOException {
    if (len >= FLUSH_AT) {
      flush();
    }
    if (v == Long.MIN_VALUE) {
      writeString(Long.toString(v));
      return;
    }
    if (v < 0) {
      buf[len++] = '-';
      v = -v;
    }
    int digits = 1;
    for (long x = v; x >= 10; x /= 10) {
      digits++;
    }
    int p = len + digits;
    len = p;
    do {
      buf[--p] = (byte) ('0' + v % 10);
      v /= 10;
    } while (v != 0);
  }

  /** Writes {@code milli / 1000} with exactly three decimals, e.g. 3125 as {@code 3.125}. */
  void writeMilli(int milli) throws IOException {
    if (milli < 0) {
      write((byte) '-');
      milli = -milli;
    }
    writeLong(milli / 1000);
    int f = milli % 1000;
    buf[len++] = '.';
    buf[len++] = (byte) ('0' + f / 100);
    buf[len++] = (byte) ('0' + f / 10 % 10);
    buf[len++] = (byte) ('0' + f % 10);
  }

  void writeString(String s) throws IOException {
    byte[] b = s.getBytes(StandardCharsets.UTF_8);
    if (len + b.length > buf.length) {
      flush();
      if (b.length > buf.length) {
        out.write(b);
        return;
      }
    }
    System.arraycopy(b, 0, buf, len, b.length);
    len += b.length;
  }

  void flush() throws IOException {
    out.write(buf, 0, len);
    len = 0;
  }
}
