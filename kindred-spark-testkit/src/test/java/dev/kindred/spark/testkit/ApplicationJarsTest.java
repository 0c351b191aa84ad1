package dev.kindred.spark.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Class-path splitting and packing, and the cluster's config checks; no cluster is started. */
class ApplicationJarsTest {

  @TempDir
  Path tmp;

  @Test
  void splitsKindredAndClassFoldersFromTheSparkRuntime() throws IOException {
    Path classes = Files.createDirectories(tmp.resolve("target/classes"));
    Path kindred = touch(tmp.resolve("repo/dev/kindred/kindred-core/0.1/kindred-core-0.1.jar"));
    Path shaded = touch(tmp.resolve("kindred-spark.jar"));
    Path spark = touch(tmp.resolve("repo/org/apache/spark/spark-core_2.13-4.2.0.jar"));
    Path missing = tmp.resolve("gone.jar");
    String cp = String.join(File.pathSeparator, classes.toString(), spark.toString(), kindred.toString(),
        missing.toString(), shaded.toString());

    ApplicationJars.Split s = ApplicationJars.split(cp);

    assertThat(s.application()).containsExactly(classes, kindred, shaded);
    assertThat(s.sparkRuntime()).containsExactly(spark);
  }

  @Test
  void packsAClassFolderIntoAJarWithTheSameEntries() throws IOException {
    Path classes = Files.createDirectories(tmp.resolve("target/classes/dev/kindred"));
    Files.writeString(classes.resolve("A.class"), "not really bytecode");
    Path jar = ApplicationJars.asJars(List.of(tmp.resolve("target/classes")), tmp.resolve("out")).get(0);

    try (JarFile j = new JarFile(jar.toFile())) {
      assertThat(j.getEntry("dev/kindred/A.class")).isNotNull();
      assertThat(new String(j.getInputStream(j.getEntry("dev/kindred/A.class")).readAllBytes()))
          .isEqualTo("not really bytecode");
    }
    assertThat(ApplicationJars.sparkJarsValue(List.of(jar, jar))).isEqualTo(jar + "," + jar);
  }

  @Test
  void rejectsAnEmptyClassPathAndBadClusterConfigs() {
    assertThatThrownBy(() -> ApplicationJars.split(" ")).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected a class path");
    Path java = Path.of(System.getProperty("java.home"));
    assertThatThrownBy(() -> new LocalStandaloneCluster.Config(tmp, List.of(), java, 2, "1g", "256m",
        Duration.ofSeconds(5))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("sparkJars");
    assertThatThrownBy(() -> new LocalStandaloneCluster.Config(tmp, List.of(tmp), java, 0, "1g", "256m",
        Duration.ofSeconds(5))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("workerCores: expected >= 1, got 0");
    assertThatThrownBy(() -> new LocalStandaloneCluster.Config(tmp, List.of(tmp), tmp, 2, "1g", "256m",
        Duration.ofSeconds(5))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no bin/java");
  }

  private static Path touch(Path p) throws IOException {
    Files.createDirectories(p.getParent());
    return Files.write(p, new byte[] {1});
  }
}
