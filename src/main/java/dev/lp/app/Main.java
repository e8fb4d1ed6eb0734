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
        EvalCommand.class,
        ServeCommand.class, SynthesizeCommand.class, DemoCommand.class, BrokerCommand.class,
    })
public final class Main implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns its exit code (tests call this instead of main). */
  public static int run(String... args) {
    return new CommandLine(new Main()).execute(args);
  }

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }
}
