package io.atelier.launcher;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The one executable of the mesh. */
@Command(name = "atelier",
    mixinStandardHelpOptions = true,
    version = "atelier 0.1.0",
    description = "Atelier: upload, transcribe, enrich, render and co-edit media on one reactive mesh.",
    subcommands = {DevCommand.class, NodeCommand.class, SuperviseCommand.class, RollCommand.class,
        ProjectCommand.class, BenchCommand.class,
        CommandLine.HelpCommand.class})
public final class AtelierCommand implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  public static void main(String[] args) {
    int exit;
    try {
      // Before anything logs: every line of the process is in one format. A node applies its files' key later.
      LogFormat.fromEnvironment(System.getenv()).apply();
    } catch (IllegalArgumentException refused) {
      System.err.println("atelier: " + refused.getMessage());
      System.exit(1);
      return;
    }
    try {
      exit = new CommandLine(new AtelierCommand())
          .setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("atelier: " + rootMessage(e));
            return 1;
          })
          .execute(args);
    } catch (NoClassDefFoundError missing) {
      if (!needsEmbeddedServices(missing)) {
        throw missing;
      }
      System.err.println("atelier: dev and bench run on embedded PostgreSQL, Redis and S3, which this build leaves out"
          + " (a production image); run 'atelier node' against external ones (see conf/README.md)");
      exit = 1;
    }
    // Also on success: a command that stopped a node ends its process here, whatever threads are left.
    System.exit(exit);
  }

  /** Whether {@code e} is a class of the embedded services missing from the class path. */
  static boolean needsEmbeddedServices(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof NoClassDefFoundError && String.valueOf(t.getMessage()).startsWith("io/atelier/embedded/")) {
        return true;
      }
    }
    return false;
  }

  static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && (t.getMessage() == null || t instanceof java.util.concurrent.ExecutionException
        || t instanceof java.util.concurrent.CompletionException)) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.toString() : t.getMessage();
  }
}
