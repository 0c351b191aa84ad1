package dev.kindred.spark.als;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Properties;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Tuple2;

/**
 * Checkpoints of a distributed ALS fit in a directory on any Hadoop file system:
 * {@code DIR/iter-NNNNNN/users} and {@code .../items} (the factor blocks as Spark object files)
 * and {@code .../manifest.properties} (iteration, configuration fingerprint), the manifest written
 * last through a temporary file and a rename, so a directory without a manifest is an
 * interrupted write and is ignored. Reading a checkpoint back also cuts the RDD lineage, so a lost
 * executor recomputes at most {@code checkpointInterval} iterations. The two newest checkpoints
 * are kept.
 *
 * <p>A fit resumes only from a checkpoint with the same fingerprint (algorithm, hyperparameters
 * other than the iteration count, seed, block counts and data fingerprint); a different one is
 * refused with both fingerprints in the message.
 */
final class AlsCheckpoints {

  private static final Logger LOG = LoggerFactory.getLogger(AlsCheckpoints.class);
  private static final String MANIFEST = "manifest.properties";
  private static final String PREFIX = "iter-";

  /** A complete checkpoint found on disk. */
  record Checkpoint(int iteration, String fingerprint, String path) {}

  private final JavaSparkContext sc;
  private final Path dir;

  AlsCheckpoints(JavaSparkContext sc, String dir) {
    this.sc = sc;
    this.dir = new Path(dir);
  }

  private FileSystem fs() throws IOException {
    return dir.getFileSystem(sc.hadoopConfiguration());
  }

  /** Saves both sides after {@code iteration}; returns where. */
  String write(int iteration, String fingerprint, JavaPairRDD<Integer, float[]> users,
      JavaPairRDD<Integer, float[]> items) {
    Path at = new Path(dir, String.format("%s%06d", PREFIX, iteration));
    try {
      FileSystem fs = fs();
      if (fs.exists(at)) {
        fs.delete(at, true);
      }
      users.saveAsObjectFile(new Path(at, "users").toString());
      items.saveAsObjectFile(new Path(at, "items").toString());
      Properties p = new Properties();
      p.setProperty("iteration", Integer.toString(iteration));
      p.setProperty("fingerprint", fingerprint);
      Path tmp = new Path(at, MANIFEST + ".tmp");
      try (OutputStream out = fs.create(tmp, true)) {
        p.store(new java.io.OutputStreamWriter(out, StandardCharsets.UTF_8), "kindred distributed ALS checkpoint");
      }
      if (!fs.rename(tmp, new Path(at, MANIFEST))) {
        throw new IOException("could not rename " + tmp + " to " + MANIFEST);
      }
      prune(fs, at.getName());
      LOG.info("checkpoint after iteration {} written to {}", iteration, at);
      return at.toString();
    } catch (IOException e) {
      throw new UncheckedIOException("writing checkpoint " + at + ": " + e.getMessage(), e);
    }
  }

  /** The newest complete checkpoint, or null when there is none. */
  Checkpoint latest() {
    try {
      FileSystem fs = fs();
      if (!fs.exists(dir)) {
        return null;
      }
      FileStatus[] entries = fs.listStatus(dir, path -> path.getName().startsWith(PREFIX));
      Arrays.sort(entries, Comparator.comparing((FileStatus s) -> s.getPath().getName()).reversed());
      for (FileStatus s : entries) {
        Path manifest = new Path(s.getPath(), MANIFEST);
        if (!fs.exists(manifest)) {
          continue;
        }
        Properties p = new Properties();
        try (InputStream in = fs.open(manifest)) {
          p.load(new java.io.InputStreamReader(in, StandardCharsets.UTF_8));
        }
        return new Checkpoint(Integer.parseInt(p.getProperty("iteration")), p.getProperty("fingerprint"),
            s.getPath().toString());
      }
      return null;
    } catch (IOException e) {
      throw new UncheckedIOException("reading checkpoints in " + dir + ": " + e.getMessage(), e);
    }
  }

  /** One side of a checkpoint, partitioned like the live factor blocks. */
  JavaPairRDD<Integer, float[]> read(Checkpoint c, String side, HashPartitioner part) {
    return sc.<Tuple2<Integer, float[]>>objectFile(new Path(new Path(c.path()), side).toString())
        .mapToPair(t -> t)
        .partitionBy(part);
  }

  /**
   * Keeps the checkpoint just written ({@code current}) and the newest one before it; deletes the
   * rest, including later-numbered ones left by an earlier fit in the same folder: this fit owns
   * the folder now, and a stale later checkpoint must neither survive in place of the new one nor
   * be what a resume picks up. (Regression: pruning by name order alone deleted the checkpoint just
   * written when an earlier fit had left higher-numbered ones.)
   */
  private void prune(FileSystem fs, String current) throws IOException {
    FileStatus[] entries = fs.listStatus(dir, path -> path.getName().startsWith(PREFIX));
    Arrays.sort(entries, Comparator.comparing((FileStatus s) -> s.getPath().getName()).reversed());
    boolean keptPrevious = false;
    for (FileStatus e : entries) {
      String name = e.getPath().getName();
      int order = name.compareTo(current);
      if (order == 0) {
        continue;
      }
      if (order < 0 && !keptPrevious) {
        keptPrevious = true;
        continue;
      }
      fs.delete(e.getPath(), true);
    }
  }
}
