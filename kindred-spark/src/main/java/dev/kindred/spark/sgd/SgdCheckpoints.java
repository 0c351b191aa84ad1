package dev.kindred.spark.sgd;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Checkpoints of distributed SGD in a directory on any Hadoop file system:
 * {@code DIR/ALGORITHM-sgd/epoch-NNNNN/{users,items,_META}} for DSGD (the factor blocks as object
 * files) and {@code DIR/ALGORITHM-sgd/sync-round-NNNNNN/{params,_META}} for SYNC (the driver's
 * parameters, Java-serialised). {@code _META} is written last and names the epoch or round and the
 * layout, so a directory without it is an interrupted write and is ignored. Resuming checks that
 * the layout (blocks, factors, users, items) matches and refuses otherwise.
 */
final class SgdCheckpoints {

  record Loaded(int epoch, JavaRDD<FactorBlock> users, JavaRDD<FactorBlock> items) {}

  record LoadedParams(int round, Params params) {}

  private static final String EPOCH = "epoch-";
  private static final String SYNC_ROUND = "sync-round-";

  private final JavaSparkContext jsc;
  private final Path root;
  private final Map<String, String> layout = new LinkedHashMap<>();

  SgdCheckpoints(JavaSparkContext jsc, String dir, String algorithm, int blocks, int factors, int users, int items) {
    this.jsc = jsc;
    this.root = new Path(dir, algorithm + "-sgd");
    layout.put("blocks", Integer.toString(blocks));
    layout.put("factors", Integer.toString(factors));
    layout.put("users", Integer.toString(users));
    layout.put("items", Integer.toString(items));
  }

  Loaded save(int epoch, JavaRDD<FactorBlock> users, JavaRDD<FactorBlock> items) {
    Path dir = new Path(root, String.format(EPOCH + "%05d", epoch));
    try {
      FileSystem fs = dir.getFileSystem(jsc.hadoopConfiguration());
      if (fs.exists(dir)) fs.delete(dir, true);
      users.saveAsObjectFile(new Path(dir, "users").toString());
      items.saveAsObjectFile(new Path(dir, "items").toString());
      writeMeta(fs, dir, "epoch=" + epoch + "\n");
      return load(dir, epoch);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write checkpoint " + dir + ": " + e.getMessage(), e);
    }
  }

  /** The newest complete DSGD checkpoint, or null when there is none. */
  Loaded latest() {
    Path best = newest(EPOCH);
    if (best == null) return null;
    return load(best, Integer.parseInt(best.getName().substring(EPOCH.length())));
  }

  /** Writes the SYNC parameters after round {@code round} (1-based count of rounds done). */
  void saveParams(int round, Params params) {
    Path dir = new Path(root, String.format(SYNC_ROUND + "%06d", round));
    try {
      FileSystem fs = dir.getFileSystem(jsc.hadoopConfiguration());
      if (fs.exists(dir)) fs.delete(dir, true);
      try (ObjectOutputStream out = new ObjectOutputStream(fs.create(new Path(dir, "params"), true))) {
        out.writeObject(params);
      }
      writeMeta(fs, dir, "round=" + round + "\n");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write checkpoint " + dir + ": " + e.getMessage(), e);
    }
  }

  /** The newest complete SYNC checkpoint, or null when there is none. */
  LoadedParams latestParams() {
    Path best = newest(SYNC_ROUND);
    if (best == null) return null;
    try {
      FileSystem fs = best.getFileSystem(jsc.hadoopConfiguration());
      try (ObjectInputStream in = new ObjectInputStream(fs.open(new Path(best, "params")))) {
        return new LoadedParams(Integer.parseInt(best.getName().substring(SYNC_ROUND.length())),
            (Params) in.readObject());
      }
    } catch (IOException | ClassNotFoundException e) {
      throw new IllegalStateException("cannot read checkpoint " + best + ": " + e.getMessage(), e);
    }
  }

  /** The complete checkpoint directory with {@code prefix} and the highest number, layout-checked. */
  private Path newest(String prefix) {
    try {
      FileSystem fs = root.getFileSystem(jsc.hadoopConfiguration());
      if (!fs.exists(root)) return null;
      Path best = null;
      long bestNumber = -1;
      for (FileStatus st : fs.listStatus(root)) {
        String name = st.getPath().getName();
        if (!st.isDirectory() || !name.startsWith(prefix) || !fs.exists(new Path(st.getPath(), "_META"))) continue;
        long number = Long.parseLong(name.substring(prefix.length()));
        if (number > bestNumber) {
          bestNumber = number;
          best = st.getPath();
        }
      }
      if (best == null) return null;
      Map<String, String> meta = readMeta(fs, new Path(best, "_META"));
      for (Map.Entry<String, String> e : layout.entrySet()) {
        if (!e.getValue().equals(meta.get(e.getKey()))) {
          throw new IllegalArgumentException("checkpoint " + best + " has " + e.getKey() + "=" + meta.get(e.getKey())
              + " but this fit has " + e.getKey() + "=" + e.getValue() + "; use another checkpoint directory");
        }
      }
      return best;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read checkpoints under " + root + ": " + e.getMessage(), e);
    }
  }

  private void writeMeta(FileSystem fs, Path dir, String first) throws IOException {
    StringBuilder meta = new StringBuilder(first);
    layout.forEach((k, v) -> meta.append(k).append('=').append(v).append('\n'));
    try (FSDataOutputStream out = fs.create(new Path(dir, "_META"), true)) {
      out.write(meta.toString().getBytes(StandardCharsets.UTF_8));
    }
  }

  private Loaded load(Path dir, int epoch) {
    JavaRDD<FactorBlock> users = jsc.objectFile(new Path(dir, "users").toString());
    JavaRDD<FactorBlock> items = jsc.objectFile(new Path(dir, "items").toString());
    return new Loaded(epoch, users, items);
  }

  private static Map<String, String> readMeta(FileSystem fs, Path p) throws IOException {
    Map<String, String> m = new LinkedHashMap<>();
    try (var in = fs.open(p)) {
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      for (String line : text.split("\n")) {
        int eq = line.indexOf('=');
        if (eq > 0) m.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    return m;
  }
}
