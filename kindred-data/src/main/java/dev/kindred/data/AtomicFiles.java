package dev.kindred.data;

import dev.kindred.core.AtomicWrite;
import java.io.BufferedOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.file.Path;

/**
 * Writes a file through a temporary file in the same directory and a rename, so readers never
 * see half a file: {@link AtomicWrite} (which model files use too) behind a buffered stream. Used
 * by every writer of kindred-data and of the format modules beside it.
 */
public final class AtomicFiles {

  /** Writes the file's content to the stream it is given. */
  @FunctionalInterface
  public interface Body {
    void write(OutputStream out) throws IOException;
  }

  private AtomicFiles() {}

  /**
   * Writes {@code out} atomically: on any failure the temporary file is deleted and an existing
   * {@code out} is left as it was; an existing {@code out} that is not a regular file is refused.
   */
  public static void write(Path out, Body body) throws IOException {
    AtomicWrite.write(out, ch -> {
      OutputStream os = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16);
      body.write(new KeepOpen(os));
      os.flush();
    });
  }

  /** Closing flushes but leaves the channel open: {@link AtomicWrite} forces it to disk and closes it. */
  private static final class KeepOpen extends FilterOutputStream {
    KeepOpen(OutputStream out) {
      super(out);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
    }

    @Override
    public void close() throws IOException {
      out.flush();
    }
  }
}
