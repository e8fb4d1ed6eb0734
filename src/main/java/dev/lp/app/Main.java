package dev.lp.app;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code lp} command: one entry point, one subcommand per job. */
@Command(
    name = "lp",
    mixinStandardHelpOptions = true,
    version = "lp 0.1.0",
    description = "Latent Programmer: learns string-transformation programs from examples and serves them.",
    subcommands = {
        CommandLine.HelpCommand.class,
        GenerateCommand.class,
        BenchCommand.class,
        TrainCommand.class,
        TrainReportCommand.class,
        EvalCommand.class, LatentsCommand.class,
        ServeCommand.class, SynthesizeCommand.class, DemoCommand.class, BrokerCommand.class,
        PublishCheckpointCommand.class,
        CodegenDataCommand.class,
    })
public final class Main implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns its exit code (tests call this instead of main). */
  public static int run(String... args) {
    return new CommandLine(new Main()).setExecutionExceptionHandler(Main::onFailure).execute(args);
  }

  /**
   * A command that fails on its input (a bad file, a checkpoint that does not verify, a model
   * name that is not known) says why in one line and exits 2; anything else is a bug or an
   * environment failure: message, stack trace, exit 1.
   */
  private static int onFailure(Exception e, CommandLine cmd, CommandLine.ParseResult parsed) {
    String name = cmd.getCommandName();
    if (e instanceof IllegalArgumentException || e instanceof java.io.UncheckedIOException
        || e instanceof dev.lp.checkpoint.CheckpointException) {
      cmd.getErr().println("lp " + name + ": " + e.getMessage());
      return 2;
    }
    cmd.getErr().println("lp " + name + " failed: " + e);
    e.printStackTrace(cmd.getErr());
    return 1;
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
