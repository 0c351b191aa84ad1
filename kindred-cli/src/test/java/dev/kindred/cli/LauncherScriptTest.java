package dev.kindred.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code kindred} launcher script, run by bash on a stand-in tree: sources and poms dated an
 * hour ago, a built jar ({@link LauncherProbe}) dated now, and a fake {@code mvn} that records any
 * build it is asked for.
 */
class LauncherScriptTest {

  @TempDir
  Path root;

  Path builds; // the fake mvn appends a line here per build

  @BeforeEach
  void standInTree() throws IOException {
    Path script = Path.of("..", "kindred").toAbsolutePath().normalize();
    assumeTrue(Files.isRegularFile(script), "the kindred script is not at " + script);
    assumeTrue(Files.isExecutable(Path.of("/bin/bash")), "no bash");
    Files.copy(script, root.resolve("kindred"));
    FileTime hourAgo = FileTime.fromMillis(System.currentTimeMillis() - 3_600_000);
    for (String f : List.of("pom.xml", "kindred-cli/pom.xml", "kindred-cli/src/main/java/A.java",
        "spark-jvm-flags.properties")) {
      Path p = root.resolve(f);
      Files.createDirectories(p.getParent());
      Files.writeString(p, "x");
      Files.setLastModifiedTime(p, hourAgo);
    }
    writeProbeJar(root.resolve("kindred-cli/target/kindred.jar"));
    Files.setLastModifiedTime(root.resolve("kindred-cli/target/kindred.jar"),
        FileTime.fromMillis(System.currentTimeMillis() - 60_000));
    Path bin = Files.createDirectories(root.resolve("fake-bin"));
    builds = root.resolve("builds.txt");
    Path mvn = bin.resolve("mvn");
    Files.writeString(mvn, "#!/bin/bash\necho \"$@\" >> '" + builds + "'\nexit 1\n");
    Files.setPosixFilePermissions(mvn, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  static void writeProbeJar(Path jar) throws IOException {
    Files.createDirectories(jar.getParent());
    Manifest m = new Manifest();
    m.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
    m.getMainAttributes().put(Attributes.Name.MAIN_CLASS, LauncherProbe.class.getName());
    try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out, m);
        InputStream cls = LauncherProbe.class.getResourceAsStream("LauncherProbe.class")) {
      j.putNextEntry(new JarEntry(LauncherProbe.class.getName().replace('.', '/') + ".class"));
      cls.transferTo(j);
      j.closeEntry();
    }
  }

  Process launch(Map<String, String> env, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(List.of("/bin/bash", root.resolve("kindred").toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd);
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    pb.environment().put("PATH", root.resolve("fake-bin") + ":" + System.getenv("PATH"));
    pb.environment().remove("JAVA_OPTS");
    pb.environment().remove("KINDRED_JAVA_OPTS");
    pb.environment().remove("KINDRED_HEAP");
    pb.environment().putAll(env);
    pb.redirectError(root.resolve("stderr.txt").toFile());
    return pb.start();
  }

  /** The probe's {@code key=} line. */
  static String line(BufferedReader r, String key) throws IOException {
    for (String l; (l = r.readLine()) != null; ) {
      if (l.startsWith(key + "=")) return l.substring(key.length() + 1);
    }
    throw new AssertionError("the probe printed no " + key + "= line");
  }

  /** Regression: every call after ./run-tests or spark-train rebuilt the jar (target/ files counted as sources). */
  @Test
  void generatedFilesUnderTargetDoNotMakeTheJarStale() throws Exception {
    for (String f : List.of("kindred-cli/target/generated-sources/G.java", "kindred-spark/target/maven-archiver/pom.properties",
        "kindred-cli/target/classes/x.properties")) {
      Path p = root.resolve(f);
      Files.createDirectories(p.getParent());
      Files.writeString(p, "generated just now");
    }
    Process p = launch(Map.of());
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(Files.readString(root.resolve("stderr.txt"))).isZero();
    assertThat(builds).doesNotExist();
    // A changed source still triggers a build (which the fake mvn fails).
    Files.writeString(root.resolve("kindred-cli/src/main/java/A.java"), "changed");
    Process q = launch(Map.of());
    assertThat(q.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(Files.readString(builds)).contains("kindred-cli");
  }

  /** Regression: the launcher ran java as a child, so stopping the launcher's pid left the server running. */
  @Test
  void javaReplacesTheLauncherSoItsPidIsTheServers() throws Exception {
    Process p = launch(Map.of(), "wait");
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      assertThat(Long.parseLong(line(r, "pid"))).isEqualTo(p.pid());
      p.destroy(); // SIGTERM to the launcher's pid
      assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("the JVM stopped with the launcher's pid").isTrue();
    } finally {
      p.destroyForcibly();
    }
  }

  @Test
  void theHeapIsSizedFromTheMachineUnlessTold() throws Exception {
    assertThat(jvmFlags(Map.of())).contains("-XX:MaxRAMPercentage=75");
    String told = jvmFlags(Map.of("KINDRED_HEAP", "300m"));
    assertThat(told).contains("-Xmx300m").doesNotContain("MaxRAMPercentage");
    assertThat(jvmFlags(Map.of("JAVA_OPTS", "-Xmx200m"))).contains("-Xmx200m").doesNotContain("MaxRAMPercentage");
  }

  String jvmFlags(Map<String, String> env) throws Exception {
    Process p = launch(env);
    try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      String flags = line(r, "jvm");
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
      return flags;
    }
  }
}
