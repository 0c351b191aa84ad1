package dev.kindred.core;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Writes a file so that a reader sees the old file or the whole new one, and a crash or power loss
 * after the call returns keeps the new one:
 * <ol>
 *   <li>an existing target that is not a regular file (a device node, a FIFO, a directory) is
 *       refused, never replaced;
 *   <li>the content goes to a temporary sibling, created with the default permissions (the umask's,
 *       as for any new file; not {@code Files.createTempFile}'s owner-only ones, which would stick to
 *       the result);
 *   <li>the temporary file is forced to disk, renamed over the target, and the directory is forced
 *       so the rename itself survives a power loss;
 *   <li>the temporary file is deleted when the body fails, the thread is interrupted, or the JVM
 *       shuts down (SIGINT, SIGTERM) mid-write; one left by SIGKILL or a crash (its name carries the
 *       writer's process id) is deleted by the next write of the same file once that process is gone.
 * </ol>
 */
public final class AtomicWrite {

  /** Writes the file's content to the channel it is given; must not close it. */
  @FunctionalInterface
  public interface Body {
    void write(FileChannel channel) throws IOException;
  }

  private static final AtomicLong COUNTER = new AtomicLong();
  private static final Set<Path> IN_PROGRESS = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(AtomicWrite::deleteInProgress, "kindred-temp-cleanup"));
  }

  private AtomicWrite() {}

  /**
   * Writes {@code out} atomically and durably; on failure an existing {@code out} is left as it was.
   *
   * @throws IllegalArgumentException if {@code out} exists and is not a regular file
   */
  public static void write(Path out, Body body) throws IOException {
    Path abs = out.toAbsolutePath();
    if (Files.exists(abs) && !Files.isRegularFile(abs)) {
      throw new IllegalArgumentException(abs + ": not a regular file (" + describe(abs)
          + "); refusing to replace it");
    }
    Path dir = abs.getParent();
    Files.createDirectories(dir);
    deleteOrphans(dir, abs.getFileName().toString());
    Path tmp = dir.resolve("." + abs.getFileName() + "." + ProcessHandle.current().pid() + "."
        + COUNTER.incrementAndGet() + ".tmp");
    IN_PROGRESS.add(tmp);
    boolean moved = false;
    try {
      try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        body.write(ch);
        ch.force(true);
      }
      try {
        Files.move(tmp, abs, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING);
      }
      moved = true;
      forceDirectory(dir);
    } finally {
      if (!moved) Files.deleteIfExists(tmp);
      IN_PROGRESS.remove(tmp);
    }
  }

  /** Deletes {@code .NAME.PID.N.tmp} siblings whose writing process no longer runs. */
  private static void deleteOrphans(Path dir, String name) throws IOException {
    String prefix = "." + name + ".";
    // A filter, not a glob: the file name may hold glob syntax ("model[1].kindred").
    DirectoryStream.Filter<Path> ours = p -> {
      String n = p.getFileName().toString();
      return n.startsWith(prefix) && n.endsWith(".tmp");
    };
    try (DirectoryStream<Path> temps = Files.newDirectoryStream(dir, ours)) {
      for (Path t : temps) {
        String[] parts = t.getFileName().toString().substring(prefix.length()).split("\\.");
        if (parts.length != 3) continue;
        try {
          if (ProcessHandle.of(Long.parseLong(parts[0])).isEmpty()) Files.deleteIfExists(t);
        } catch (NumberFormatException e) {
          // not one of ours: leave it
        }
      }
    }
  }

  private static String describe(Path p) {
    if (Files.isDirectory(p)) return "a directory";
    return "a device, FIFO or other special file";
  }

  /** Forces a directory's entries to disk, where the platform can open a directory (Linux and macOS can). */
  private static void forceDirectory(Path dir) throws IOException {
    FileChannel ch;
    try {
      ch = FileChannel.open(dir, StandardOpenOption.READ);
    } catch (IOException | UnsupportedOperationException e) {
      return; // Windows cannot open a directory; its rename is as durable as the OS makes it
    }
    try (ch) {
      ch.force(true);
    }
  }

  private static void deleteInProgress() {
    for (Path p : IN_PROGRESS) {
      try {
        Files.deleteIfExists(p);
      } catch (IOException e) {
        // shutting down: nothing left to report to
      }
    }
  }
}
