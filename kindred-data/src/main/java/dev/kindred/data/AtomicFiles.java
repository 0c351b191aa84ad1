package dev.kindred.data;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes a file through a temporary file in the same directory and a rename, so readers never
 * see half a file. Used by every writer of kindred-data and of the format modules beside it.
 */
public final class AtomicFiles {

  /** Writes the file's content to the stream it is given. */
  @FunctionalInterface
  public interface Body {
    void write(OutputStream out) throws IOException;
  }

  private static final AtomicLong COUNTER = new AtomicLong();

  private AtomicFiles() {}

  /**
   * Writes {@code out} atomically: on any failure the temporary file is deleted and an existing
   * {@code out} is left as it was.
   */
  public static void write(Path out, Body body) throws IOException {
    Path abs = out.toAbsolutePath();
    Path dir = abs.getParent();
    // Not Files.createTempFile: its owner-only permissions would stick to the result.
    Path tmp = dir.resolve("." + abs.getFileName() + "." + ProcessHandle.current().pid() + "."
        + COUNTER.incrementAndGet() + ".tmp");
    boolean moved = false;
    try {
      try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(tmp, StandardOpenOption.CREATE_NEW,
          StandardOpenOption.WRITE)) {
        // A body may close the stream it is given; the channel stays open until it is forced.
        OutputStream os = new java.io.FilterOutputStream(java.nio.channels.Channels.newOutputStream(ch)) {
          @Override
          public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
          }

          @Override
          public void close() throws IOException {
            flush();
          }
        };
        body.write(os);
        os.flush();
        ch.force(true); // on disk before the rename makes it the file
      }
      try {
        Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
      }
      moved = true;
    } finally {
      if (!moved) {
        Files.deleteIfExists(tmp);
      }
    }
  }
}
