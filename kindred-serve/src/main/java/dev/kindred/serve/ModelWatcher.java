package dev.kindred.serve;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls one model file's modification time and size and hands the path to a swap callback when
 * they change. The state at start-up is the baseline (the file then serving, or absent), so only a
 * later change triggers a swap. A file that fails to load is not retried until it changes again;
 * a file still being copied in place fails its checksum and is taken on the poll after the copy
 * ends (ModelFile's own writer renames into place, so its files appear whole).
 *
 * <p>Thread-safety: one daemon thread polls; {@link #close()} stops it.
 */
final class ModelWatcher implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ModelWatcher.class);

  private record Stamp(long modifiedMillis, long size) {}

  private final Path file;
  private final Consumer<Path> onChange;
  private final ScheduledExecutorService timer;
  private Stamp last; // only the poll thread touches it after construction

  ModelWatcher(Path file, long intervalMillis, Consumer<Path> onChange) {
    this.file = Objects.requireNonNull(file, "file");
    this.onChange = Objects.requireNonNull(onChange, "onChange");
    this.last = stamp();
    this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "kindred-model-watcher");
      t.setDaemon(true);
      return t;
    });
    timer.scheduleWithFixedDelay(this::poll, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
    LOG.info("watching {} for a new model every {} ms", file, intervalMillis);
  }

  private Stamp stamp() {
    try {
      BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
      return new Stamp(a.lastModifiedTime().toMillis(), a.size());
    } catch (NoSuchFileException e) {
      return null;
    } catch (IOException e) {
      LOG.warn("cannot read the attributes of the watched model {}: {}", file, e.toString());
      return last;
    }
  }

  private void poll() {
    try {
      Stamp now = stamp();
      if (now == null || now.equals(last)) return;
      last = now;
      onChange.accept(file);
    } catch (RuntimeException e) {
      // The callback reports its own failures; this keeps one bad poll from ending the schedule.
      LOG.error("model watch poll failed", e);
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }
}
