package dev.lp.app;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code lp bench}: the measuring commands, one subcommand per component; each writes its section of a results file (runs/RESULTS.md unless --results names another; docs/RESULTS.md holds the documented ones). */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Measures a component and records the numbers in a results file (default runs/RESULTS.md).",
    subcommands = {BenchDslCommand.class, BenchEngineCommand.class, BenchVsaCommand.class, BenchFailoverCommand.class,
        BenchFuzzCommand.class, BenchCapacityCommand.class})
public final class BenchCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
