package dev.kindred.cli;

import java.lang.management.ManagementFactory;

/** The main class of the stand-in jar {@link LauncherScriptTest} hands the launcher: reports its pid and JVM flags. */
public final class LauncherProbe {

  private LauncherProbe() {}

  public static void main(String[] args) throws InterruptedException {
    System.out.println("pid=" + ProcessHandle.current().pid());
    System.out.println("jvm=" + String.join(" ", ManagementFactory.getRuntimeMXBean().getInputArguments()));
    System.out.flush();
    if (args.length > 0 && args[0].equals("wait")) Thread.sleep(60_000);
  }
}
