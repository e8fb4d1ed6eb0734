package dev.lp.app.report;

import java.util.List;
import java.util.stream.Collectors;
import picocli.CommandLine.Model.CommandSpec;

/** The command line that produced a result, as a user would type it, for reports and manifests. */
public final class CommandText {

  private CommandText() {}

  /**
   * "lp sub [sub] args...": under the {@code lp} root the parse result already holds the whole
   * argv (subcommand names included); a command run on its own (tests) gets its name prefixed.
   */
  public static String of(CommandSpec spec) {
    List<String> args = spec.commandLine().getParseResult().originalArgs();
    String prefix = spec.commandLine().getParent() == null ? "lp " + spec.qualifiedName(" ") + " " : "lp ";
    return prefix + args.stream()
        .map(a -> a.matches("[A-Za-z0-9_./,=:@+-]+") ? a : "'" + a.replace("'", "'\\''") + "'")
        .collect(Collectors.joining(" "));
  }
}
