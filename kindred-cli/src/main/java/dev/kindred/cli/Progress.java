package dev.kindred.cli;

import dev.kindred.core.ProgressListener;
import java.io.PrintStream;
import java.util.Locale;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Training progress on stderr: a progress bar with epoch, loss and elapsed time on a terminal
 * (the {@code kindred} script sets {@code KINDRED_TTY=1}), one plain line per epoch otherwise. The
 * line also gives the process CPU time the epoch took (all threads and GC): on a shared machine the
 * wall time of an epoch says more about the other processes than about the epoch.
 */
final class Progress implements ProgressListener, AutoCloseable {

  private final ProgressBar bar;
  private final PrintStream lines;
  private final String task;
  private long lastCpuNanos = processCpuNanos();

  private Progress(ProgressBar bar, PrintStream lines, String task) {
    this.bar = bar;
    this.lines = lines;
    this.task = task;
  }

  /** A bar or line printer on stderr, or a silent listener when {@code quiet}. */
  static Progress start(String task, int epochs, boolean quiet) {
    if (quiet) return new Progress(null, null, task);
    if (!"1".equals(System.getenv("KINDRED_TTY"))) return new Progress(null, System.err, task);
    ProgressBar bar = new ProgressBarBuilder()
        .setTaskName(task)
        .setInitialMax(epochs)
        .setUnit(" epochs", 1)
        .setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK)
        .setUpdateIntervalMillis(100)
        .setConsumer(new ConsoleProgressBarConsumer(new PrintStream(System.err, true), 100))
        .showSpeed()
        .build();
    return new Progress(bar, null, task);
  }

  @Override
  public void onEpoch(EpochReport r) {
    // Trainers that do not compute a loss (implicit ALS) report NaN: print nothing rather than "NaN".
    String loss = Double.isNaN(r.trainLoss()) ? "" : String.format(Locale.ROOT, "loss %.4f", r.trainLoss());
    String val = Double.isNaN(r.validationScore()) ? "" : String.format(Locale.ROOT, "val %.4f", r.validationScore());
    String extra = (loss + " " + val).strip();
    if (bar != null) {
      bar.stepTo(r.epoch());
      bar.setExtraMessage(" " + extra);
    } else if (lines != null) {
      long cpu = processCpuNanos();
      long epochCpu;
      synchronized (this) {
        epochCpu = cpu - lastCpuNanos;
        lastCpuNanos = cpu;
      }
      if (r.epoch() == r.epochs() || r.epoch() % Math.max(1, r.epochs() / 10) == 0) {
        lines.printf(Locale.ROOT, "%s: epoch %d/%d %s%.2fs (epoch %.3fs, cpu %.3fs)%n", task, r.epoch(), r.epochs(),
            extra.isEmpty() ? "" : extra + " ", r.elapsedNanos() / 1e9, r.epochNanos() / 1e9, epochCpu / 1e9);
      }
    }
  }

  /** CPU time of this process so far (all threads), or 0 where the JVM does not say. */
  private static long processCpuNanos() {
    return java.lang.management.ManagementFactory.getOperatingSystemMXBean()
        instanceof com.sun.management.OperatingSystemMXBean os ? Math.max(0, os.getProcessCpuTime()) : 0;
  }

  @Override
  public void close() {
    if (bar != null) bar.close();
  }
}
