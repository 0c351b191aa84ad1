package dev.kindred.spark.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Spark standalone cluster on this machine, made of real processes: one
 * {@code org.apache.spark.deploy.master.Master} JVM and one {@code org.apache.spark.deploy.worker.Worker}
 * JVM, both bound to 127.0.0.1 on free ports. Executors are forked by the worker as separate JVMs
 * ({@code CoarseGrainedExecutorBackend}), exactly as on a real cluster, so tests and benchmarks see
 * serialization, shuffles over the network stack, executor loss and recovery.
 *
 * <p>No Spark distribution is needed: {@link Config#home()} becomes a {@code SPARK_HOME} whose
 * {@code jars/} folder holds symbolic links to the Spark runtime jars Maven resolved (the worker builds
 * each executor's class path from that folder). Application classes reach executors the way they
 * would in production, through {@code spark.jars} (see {@link ApplicationJars}).
 *
 * <p>Driver settings for an application on this cluster are in {@link #driverConf(int, int, String)}:
 * {@code cores.max = executors x cores}, the Vector API flags in {@code spark.executor.extraJavaOptions}
 * (Spark adds its own module openings), and 127.0.0.1 for the driver.
 *
 * <p>Cost: two JVMs of {@code daemonHeap} each, plus the executors an application asks for; starting
 * takes a few seconds (until the worker has registered with the master). Not thread-safe: one owner
 * starts and {@link #close() closes} it; {@code close} kills the executors, the worker and the master.
 */
public final class LocalStandaloneCluster implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LocalStandaloneCluster.class);
  private static final String LOOPBACK = "127.0.0.1";
  private static final Pattern ALIVE_WORKERS = Pattern.compile("\"aliveworkers\"\\s*:\\s*(\\d+)");

  /**
   * The JVM flags Spark needs on Java 17+ (module openings, a subset of Spark's
   * {@code JavaModuleOptions}), from the repository's one list, {@code spark-jvm-flags.properties},
   * which this module's jar carries.
   */
  public static final List<String> SPARK_JVM_FLAGS = sparkJvmFlags();

  /** Kindred's own JVM flags: the incubating Vector API and native access. */
  public static final List<String> KINDRED_JVM_FLAGS =
      List.of("--add-modules", "jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED");

  /**
   * How to build and start the cluster.
   *
   * @param home the folder that becomes {@code SPARK_HOME} (created; {@code jars/}, {@code logs/},
   *     {@code work/} inside are rebuilt)
   * @param sparkJars the Spark runtime jars (Spark and its dependencies, not the application)
   * @param javaHome the JDK the master, worker and executors run on
   * @param workerCores cores the worker offers to applications
   * @param workerMemory memory the worker offers, in Spark's size syntax ({@code 4g})
   * @param daemonHeap the master's and the worker's own heap ({@code 256m})
   * @param startTimeout how long to wait for the worker to register
   */
  public record Config(Path home, List<Path> sparkJars, Path javaHome, int workerCores, String workerMemory,
      String daemonHeap, Duration startTimeout) {

    public Config {
      if (home == null || javaHome == null || workerMemory == null || daemonHeap == null || startTimeout == null) {
        throw new IllegalArgumentException("LocalStandaloneCluster.Config: home, javaHome, workerMemory, daemonHeap"
            + " and startTimeout are required");
      }
      if (sparkJars == null || sparkJars.isEmpty()) {
        throw new IllegalArgumentException("LocalStandaloneCluster.Config.sparkJars: expected the Spark runtime jars,"
            + " got none");
      }
      sparkJars = List.copyOf(sparkJars);
      if (workerCores < 1) {
        throw new IllegalArgumentException("LocalStandaloneCluster.Config.workerCores: expected >= 1, got "
            + workerCores);
      }
      if (!Files.isExecutable(javaHome.resolve("bin/java"))) {
        throw new IllegalArgumentException("LocalStandaloneCluster.Config.javaHome: no bin/java under " + javaHome);
      }
    }

    /** Defaults: the running JVM's home, 2 worker cores, 4g worker memory, 256m daemons, 90 s to start. */
    public static Config of(Path home, List<Path> sparkJars) {
      return new Config(home, sparkJars, Path.of(System.getProperty("java.home")), 2, "4g", "256m",
          Duration.ofSeconds(90));
    }

    public Config withWorkerCores(int cores) {
      return new Config(home, sparkJars, javaHome, cores, workerMemory, daemonHeap, startTimeout);
    }

    public Config withWorkerMemory(String memory) {
      return new Config(home, sparkJars, javaHome, workerCores, memory, daemonHeap, startTimeout);
    }
  }

  private final Config config;
  private final String masterUrl;
  private final int masterWebUiPort;
  private final Process master;
  private final Process worker;

  private LocalStandaloneCluster(Config config, String masterUrl, int masterWebUiPort, Process master,
      Process worker) {
    this.config = config;
    this.masterUrl = masterUrl;
    this.masterWebUiPort = masterWebUiPort;
    this.master = master;
    this.worker = worker;
  }

  /**
   * Builds {@code SPARK_HOME}, starts the master and the worker and waits until the worker has
   * registered.
   *
   * @throws IOException if a folder cannot be written or a JVM cannot be started
   * @throws IllegalStateException if a daemon exits or the worker does not register in time (the
   *     message names the log file to read)
   */
  public static LocalStandaloneCluster start(Config config) throws IOException {
    Path home = config.home().toAbsolutePath();
    linkJars(home.resolve("jars"), config.sparkJars());
    Path logs = Files.createDirectories(home.resolve("logs"));
    Path work = Files.createDirectories(home.resolve("work"));
    int masterPort = freePort();
    int masterUi = freePort();
    String url = "spark://" + LOOPBACK + ":" + masterPort;
    Process master = launch(config, "org.apache.spark.deploy.master.Master", logs.resolve("master.log"),
        List.of("--host", LOOPBACK, "--port", Integer.toString(masterPort), "--webui-port", Integer.toString(masterUi)));
    Process worker = null;
    try {
      worker = launch(config, "org.apache.spark.deploy.worker.Worker", logs.resolve("worker.log"),
          List.of("--host", LOOPBACK, "--port", Integer.toString(freePort()), "--webui-port",
              Integer.toString(freePort()), "--cores", Integer.toString(config.workerCores()), "--memory",
              config.workerMemory(), "--work-dir", work.toString(), url));
      LocalStandaloneCluster cluster = new LocalStandaloneCluster(config, url, masterUi, master, worker);
      cluster.awaitWorker();
      LOG.info("Spark standalone cluster up: master {} (web UI {}), 1 worker with {} cores, home {}", url, masterUi,
          config.workerCores(), home);
      return cluster;
    } catch (RuntimeException | IOException e) {
      stop(worker);
      stop(master);
      throw e;
    }
  }

  /** The master's URL, {@code spark://127.0.0.1:PORT}. */
  public String masterUrl() {
    return masterUrl;
  }

  /** The {@code SPARK_HOME} folder (its {@code logs/} hold the daemons' output, {@code work/} the executors'). */
  public Path home() {
    return config.home().toAbsolutePath();
  }

  /**
   * The Spark settings a driver needs to run {@code executors x coresPerExecutor} on this cluster,
   * shipping {@code applicationJars} (comma-separated paths or URLs, may be empty) to the executors.
   * Callers add their own settings on top.
   */
  public Map<String, String> driverConf(int executors, int coresPerExecutor, String applicationJars) {
    if (executors < 1 || coresPerExecutor < 1 || executors * coresPerExecutor > config.workerCores()) {
      throw new IllegalArgumentException("LocalStandaloneCluster.driverConf: expected 1 <= executors x cores <= "
          + config.workerCores() + " worker cores, got " + executors + " x " + coresPerExecutor);
    }
    String executorFlags = String.join(" ", KINDRED_JVM_FLAGS) + " " + String.join(" ", SPARK_JVM_FLAGS);
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put("spark.master", masterUrl);
    conf.put("spark.driver.host", LOOPBACK);
    conf.put("spark.driver.bindAddress", LOOPBACK);
    conf.put("spark.ui.enabled", "false");
    conf.put("spark.executor.cores", Integer.toString(coresPerExecutor));
    conf.put("spark.cores.max", Integer.toString(executors * coresPerExecutor));
    conf.put("spark.executor.extraJavaOptions", executorFlags);
    conf.put("spark.executorEnv.SPARK_LOCAL_IP", LOOPBACK);
    // All executors share this host; on a real cluster they do not. Without this, Spark reads a
    // neighbour executor's shuffle files straight from disk and no shuffle byte counts as remote.
    conf.put("spark.shuffle.readHostLocalDisk", "false");
    if (applicationJars != null && !applicationJars.isBlank()) conf.put("spark.jars", applicationJars);
    return conf;
  }

  /**
   * The live executor JVMs the worker forked for application {@code appId}: processes whose command
   * line runs {@code CoarseGrainedExecutorBackend} with {@code --app-id appId}.
   */
  public List<ProcessHandle> executorProcesses(String appId) {
    List<ProcessHandle> found = new ArrayList<>();
    worker.descendants().filter(ProcessHandle::isAlive).forEach(p -> {
      String cmd = p.info().commandLine().orElse("");
      if (cmd.contains("CoarseGrainedExecutorBackend") && cmd.contains("--app-id " + appId)) found.add(p);
    });
    return found;
  }

  /** Kills the executors, then stops the worker and the master. Idempotent. */
  @Override
  public void close() {
    worker.descendants().forEach(ProcessHandle::destroyForcibly);
    stop(worker);
    stop(master);
  }

  private void awaitWorker() throws IOException {
    long deadline = System.nanoTime() + config.startTimeout().toNanos();
    URI json = URI.create("http://" + LOOPBACK + ":" + masterWebUiPort + "/json/");
    String last = "";
    while (System.nanoTime() < deadline) {
      if (!master.isAlive()) throw died("master", master);
      if (!worker.isAlive()) throw died("worker", worker);
      try (InputStream in = json.toURL().openStream()) {
        last = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        Matcher m = ALIVE_WORKERS.matcher(last);
        if (m.find() && Integer.parseInt(m.group(1)) >= 1) return;
      } catch (IOException notYet) {
        // the master's web UI is not listening yet
      }
      sleep(250);
    }
    throw new IllegalStateException("LocalStandaloneCluster: no worker registered with " + masterUrl + " within "
        + config.startTimeout() + "; see " + home().resolve("logs") + " (master said: " + abbreviate(last) + ")");
  }

  private IllegalStateException died(String what, Process p) {
    return new IllegalStateException("LocalStandaloneCluster: the " + what + " JVM exited with code " + p.exitValue()
        + "; see " + home().resolve("logs/" + what + ".log"));
  }

  private static Process launch(Config config, String mainClass, Path log, List<String> args) throws IOException {
    Path home = config.home().toAbsolutePath();
    List<String> cmd = new ArrayList<>();
    cmd.add(config.javaHome().resolve("bin/java").toString());
    cmd.add("-Xmx" + config.daemonHeap());
    cmd.addAll(SPARK_JVM_FLAGS);
    cmd.add("-cp");
    cmd.add(home.resolve("jars") + "/*");
    cmd.add(mainClass);
    cmd.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    Map<String, String> env = pb.environment();
    env.put("SPARK_HOME", home.toString());
    env.put("JAVA_HOME", config.javaHome().toString());
    env.put("SPARK_LOCAL_IP", LOOPBACK);
    env.put("SPARK_SCALA_VERSION", "2.13");
    env.remove("SPARK_CONF_DIR");
    env.remove("HADOOP_CONF_DIR");
    LOG.debug("starting {}", cmd);
    return pb.start();
  }

  /** Recreates {@code jars} with one symbolic link per jar; equal file names are the same artifact. */
  private static void linkJars(Path jars, List<Path> sparkJars) throws IOException {
    if (Files.exists(jars)) {
      try (var old = Files.list(jars)) {
        for (Path p : old.toList()) Files.delete(p);
      }
    }
    Files.createDirectories(jars);
    Set<String> names = new HashSet<>();
    for (Path jar : sparkJars) {
      if (!Files.isRegularFile(jar)) {
        throw new IllegalArgumentException("LocalStandaloneCluster.Config.sparkJars: not a file: " + jar);
      }
      String name = jar.getFileName().toString();
      if (!names.add(name)) continue;
      try {
        Files.createSymbolicLink(jars.resolve(name), jar.toAbsolutePath());
      } catch (FileAlreadyExistsException raced) {
        throw new IllegalStateException("LocalStandaloneCluster: " + jars + " is being rebuilt by another run", raced);
      }
    }
  }

  private static List<String> sparkJvmFlags() {
    Properties p = new Properties();
    try (InputStream in = LocalStandaloneCluster.class.getResourceAsStream("spark-jvm-flags.properties")) {
      if (in == null) {
        throw new IllegalStateException("LocalStandaloneCluster: spark-jvm-flags.properties is missing from the class"
            + " path (it is copied from the repository root into kindred-spark-testkit's jar)");
      }
      p.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("LocalStandaloneCluster: cannot read spark-jvm-flags.properties", e);
    }
    String flags = p.getProperty("spark.jvm.flags", "").strip();
    if (flags.isEmpty()) {
      throw new IllegalStateException("LocalStandaloneCluster: spark-jvm-flags.properties has no spark.jvm.flags");
    }
    return List.of(flags.split("\\s+"));
  }

  private static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("LocalStandaloneCluster: no free port on " + LOOPBACK, e);
    }
  }

  private static void stop(Process p) {
    if (p == null || !p.isAlive()) return;
    p.destroy();
    try {
      if (!p.waitFor(15, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      p.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("LocalStandaloneCluster: interrupted while starting", e);
    }
  }

  private static String abbreviate(String s) {
    String flat = s.replaceAll("\\s+", " ");
    return flat.length() <= 200 ? flat : flat.substring(0, 200) + "...";
  }
}
