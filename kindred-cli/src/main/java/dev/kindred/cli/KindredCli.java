package dev.kindred.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code kindred} command. Exit codes: 0 success, 2 bad input or usage, 1 anything else.
 * Human-readable tables by default, one JSON object with {@code --json}.
 */
@Command(name = "kindred", mixinStandardHelpOptions = true, versionProvider = KindredCli.Version.class,
    description = "Kindred: fast recommender training, evaluation and recommendation on the JVM.",
    subcommands = {DemoCommand.class, GenerateCommand.class, SplitCommand.class, TrainCommand.class, ModelsCommand.class,
        EvaluateCommand.class, CompareCommand.class, TuneCommand.class, RecommendCommand.class, SimilarCommand.class, ServeCommand.class,
        dev.kindred.spark.SparkTrain.class,
        ExplainCommand.class, ForgetCommand.class,
        CompactEventsCommand.class,
        FeaturesCommand.class,
        CommandLine.HelpCommand.class})
public final class KindredCli implements Runnable {

  public static final int EXIT_OK = 0;
  public static final int EXIT_FAILURE = 1;
  public static final int EXIT_BAD_INPUT = 2;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "missing command (try 'kindred --help')");
  }

  public static void main(String[] args) {
    if (Boolean.getBoolean("kindred.warmKernels")) dev.kindred.math.KernelWarmup.startInBackground();
    System.exit(execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
  }

  /** Runs the CLI with the given streams and returns the exit code (used by tests). */
  public static int execute(String[] args, PrintWriter out, PrintWriter err) {
    CommandLine cl = new CommandLine(new KindredCli());
    cl.setOut(out);
    cl.setErr(err);
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    cl.setOverwrittenOptionsAllowed(true); // a later flag wins, so scripts can append overrides
    cl.setExitCodeExceptionMapper(KindredCli::exitCodeOf);
    cl.setParameterExceptionHandler((ex, a) -> {
      err.println("kindred: " + ex.getMessage());
      CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
      err.println("See 'kindred " + ex.getCommandLine().getCommandName() + " --help'.");
      return EXIT_BAD_INPUT;
    });
    cl.setExecutionExceptionHandler((ex, c, parsed) -> {
      int code = exitCodeOf(ex);
      err.println("kindred: " + (code == EXIT_BAD_INPUT ? "" : "error: ") + messageOf(ex));
      if (code != EXIT_BAD_INPUT && Boolean.getBoolean("kindred.debug")) ex.printStackTrace(err);
      return code;
    });
    int code = cl.execute(args);
    out.flush();
    err.flush();
    return code;
  }

  static int exitCodeOf(Throwable ex) {
    if (ex instanceof CommandLine.ParameterException || ex instanceof IllegalArgumentException
        || ex instanceof java.nio.file.NoSuchFileException || ex instanceof java.nio.file.AccessDeniedException
        || ex instanceof java.io.FileNotFoundException || ex instanceof java.util.zip.ZipException) {
      return EXIT_BAD_INPUT;
    }
    if (ex instanceof java.io.UncheckedIOException u) return exitCodeOf(u.getCause());
    return EXIT_FAILURE;
  }

  static String messageOf(Throwable ex) {
    if (ex instanceof java.nio.file.NoSuchFileException n) return n.getFile() + ": no such file";
    if (ex instanceof java.nio.file.AccessDeniedException a) return a.getFile() + ": permission denied";
    if (ex instanceof java.io.UncheckedIOException u) return messageOf(u.getCause());
    String m = ex.getMessage();
    return m == null ? ex.getClass().getSimpleName() : m;
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"kindred " + dev.kindred.core.Provenance.currentVersion()};
    }
  }
}
