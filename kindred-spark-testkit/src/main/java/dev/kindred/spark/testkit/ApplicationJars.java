package dev.kindred.spark.testkit;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Splits a JVM class path into the Spark runtime (what a cluster's {@code SPARK_HOME/jars} holds) and
 * the application (Kindred's classes, which reach executors through {@code spark.jars}), and packs
 * class folders ({@code target/classes}, {@code target/test-classes}) into jars so they can be shipped.
 *
 * <p>An entry is application code when it is a folder or a jar of group {@code dev.kindred} (a
 * {@code dev/kindred/} path in a Maven repository, or a file named {@code kindred-*.jar}); every other
 * jar is runtime. Stateless; thread-safe.
 */
public final class ApplicationJars {

  /** The two halves of a class path, each in class-path order. */
  public record Split(List<Path> sparkRuntime, List<Path> application) {

    public Split {
      sparkRuntime = List.copyOf(sparkRuntime);
      application = List.copyOf(application);
    }
  }

  private ApplicationJars() {}

  /** This JVM's class path ({@code java.class.path}), split. */
  public static Split ofThisJvm() {
    return split(System.getProperty("java.class.path"));
  }

  /** Splits a class path in the platform's syntax; missing entries are dropped. */
  public static Split split(String classpath) {
    if (classpath == null || classpath.isBlank()) {
      throw new IllegalArgumentException("ApplicationJars.split: expected a class path, got an empty one");
    }
    List<Path> runtime = new ArrayList<>();
    List<Path> app = new ArrayList<>();
    for (String entry : classpath.split(File.pathSeparator)) {
      if (entry.isBlank()) continue;
      Path p = Path.of(entry).toAbsolutePath();
      if (Files.isDirectory(p) || isKindredJar(p)) {
        app.add(p);
      } else if (Files.isRegularFile(p) && p.getFileName().toString().endsWith(".jar")) {
        runtime.add(p);
      }
    }
    return new Split(runtime, app);
  }

  /**
   * The entries as jars: jars as they are, each folder packed into {@code outDir/<n>-<folder name>.jar}.
   *
   * @throws IOException if a folder cannot be read or a jar written
   */
  public static List<Path> asJars(List<Path> entries, Path outDir) throws IOException {
    Files.createDirectories(outDir);
    List<Path> jars = new ArrayList<>();
    int n = 0;
    for (Path e : entries) {
      if (Files.isDirectory(e)) {
        Path jar = outDir.resolve((n++) + "-" + e.getParent().getFileName() + "-" + e.getFileName() + ".jar");
        pack(e, jar);
        jars.add(jar);
      } else {
        jars.add(e);
      }
    }
    return jars;
  }

  /** Comma-separated absolute paths, the syntax of {@code spark.jars}. */
  public static String sparkJarsValue(List<Path> jars) {
    return jars.stream().map(p -> p.toAbsolutePath().toString()).collect(Collectors.joining(","));
  }

  private static boolean isKindredJar(Path p) {
    String s = p.toString().replace(File.separatorChar, '/');
    return s.endsWith(".jar") && (s.contains("/dev/kindred/") || p.getFileName().toString().startsWith("kindred-"));
  }

  private static void pack(Path dir, Path jar) throws IOException {
    try (OutputStream out = Files.newOutputStream(jar); JarOutputStream jo = new JarOutputStream(out);
        Stream<Path> files = Files.walk(dir)) {
      for (Path f : (Iterable<Path>) files.sorted()::iterator) {
        if (f.equals(dir)) continue;
        String name = dir.relativize(f).toString().replace(File.separatorChar, '/');
        if (Files.isDirectory(f)) {
          jo.putNextEntry(new JarEntry(name + "/"));
        } else {
          jo.putNextEntry(new JarEntry(name));
          Files.copy(f, jo);
        }
        jo.closeEntry();
      }
    }
  }
}
