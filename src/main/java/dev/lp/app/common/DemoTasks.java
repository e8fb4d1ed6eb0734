package dev.lp.app.common;

import dev.lp.dsl.Program;
import dev.lp.dsl.ProgramText;
import java.util.List;

/**
 * The example tasks of `lp demo`: the paper's Figure 1, Figure 4 and the Figure 8 tasks, with their
 * I/O copied from the paper (Hong et al., ICML 2021, arXiv:2012.00377) and the programs the paper reports, then three
 * everyday one-expression tasks.
 */
public final class DemoTasks {
  private DemoTasks() {}

  /**
   * One demo task.
   *
   * @param name where it comes from
   * @param inputs example inputs
   * @param outputs example outputs
   * @param programs programs as text, best first: what the scripted stand-in model "finds" (the
   *     paper's LP answer last; a wrong first guess shows Candidate events)
   */
  public record Task(String name, List<String> inputs, List<String> outputs, List<String> programs) {
    public Task {
      if (inputs.size() != outputs.size() || inputs.isEmpty()) {
        throw new IllegalArgumentException(name + ": inputs and outputs must be non-empty and of equal length");
      }
      inputs = List.copyOf(inputs);
      outputs = List.copyOf(outputs);
      programs = List.copyOf(programs);
    }

    /** The programs parsed. */
    public List<Program> parsedPrograms() {
      return programs.stream().map(ProgramText::parse).toList();
    }
  }

  /** The tasks, in demo order. */
  public static List<Task> all() {
    return List.of(
        new Task(
            "Figure 1 (first-name initial)",
            List.of("Mason Smith", "Henry Myers", "Barry Underwood", "Sandy Jones"),
            List.of("Smith M", "Myers H", "Underwood B", "Jones S"),
            List.of("GetToken(PROP_CASE, 2) | ConstStr(' ') | GetToken(ALL_CAPS, 1)")),
        new Task(
            // The paper's table prints "3162:E.D.A" without the final '.', a typo: its LP program
            // (and the other three rows) end every initial with '.', so the dot is restored here.
            "Figure 4 (long program, repetitive structure)",
            List.of("Jacob,Ethan,James 11", "Elijah,Daniel,Aiden 3162", "Rick,Oliver,Mia 26", "Mark,Ben,Sam 510"),
            List.of("11:J.E.J.", "3162:E.D.A.", "26:R.O.M.", "510:M.B.S."),
            List.of(
                // RobustFill's answer in Figure 4: inconsistent.
                "GetAll(NUMBER) | ConstStr(':') | GetToken(ALL_CAPS, 2) | ConstStr('.')",
                "GetAll(NUMBER) | ConstStr(':') | GetToken(ALL_CAPS, 1) | ConstStr('.') | GetToken(ALL_CAPS, 2)"
                    + " | ConstStr('.') | GetToken(ALL_CAPS, -1) | ConstStr('.')")),
        new Task(
            "Figure 8 (month abbreviation)",
            List.of("January 15", "february 28", "march 1", "October 31"),
            List.of("jan 15", "feb 28", "mar 1", "oct 31"),
            List.of("Compose(ToCase(LOWER), SubStr(1, 3)) | ConstStr(' ') | GetToken(NUMBER, 1)")),
        new Task(
            "Figure 8 (phone number)",
            List.of("(321) 704 3331", "(499) 123 3574", "(555) 580 8390", "(288)225 6116"),
            List.of("321.704.3331", "499.123.3574", "555.580.8390", "288.225.6116"),
            List.of("GetToken(NUMBER, 1) | ConstStr('.') | Compose(Replace(' ', '.'), SubStr(-8, -1))")),
        new Task(
            // The paper marks this LP program wrong on some examples: the search ends EXHAUSTED.
            "Figure 8 (initials; the paper's LP program is not consistent)",
            List.of("Milk 4, Yoghurt 12, Juice 2, Egg 5", "US:38 China:35 Russia:27 India:1",
                "10 Apple 2 Oranges 13 Bananas 40 Pears", "parul 7 rico 12 wolfram 15 rick 19"),
            List.of("M.E.", "U.I.", "A.P.", "P.R."),
            List.of("Compose(GetToken(CHAR, 1), GetToken(PROP_CASE, 1)) | ConstStr('.')"
                + " | Compose(GetToken(CHAR, -1), GetAll(ALL_CAPS)) | ConstStr('.')")),
        // Three everyday one-expression tasks written here (not from the paper): short programs
        // like these are the ones the shipped models solve today (docs/RESULTS.md,
        // engine-bench-one-expression), so the demo also shows Solved events from a trained model.
        new Task(
            "everyday (the year in a sentence)",
            List.of("born 1984 in Oslo", "Lima, 2001", "since 1999!", "moved here in 2015"),
            List.of("1984", "2001", "1999", "2015"),
            List.of("GetToken(NUMBER, 1)")),
        new Task(
            "everyday (the city of \"City, Country\")",
            List.of("Paris, France", "Tokyo, Japan", "Lima, Peru", "Oslo, Norway"),
            List.of("Paris", "Tokyo", "Lima", "Oslo"),
            List.of("GetToken(PROP_CASE, 1)")),
        new Task(
            "everyday (the name after a title)",
            List.of("Mr. Bean", "Dr. Who", "Ms. Marvel", "Mx. Kim"),
            List.of("Bean", "Who", "Marvel", "Kim"),
            List.of("GetToken(PROP_CASE, -1)")));
  }
}
