package dev.lp.app;

import dev.lp.dsl.Alphabet;
import dev.lp.dsl.DslException;
import dev.lp.dsl.Task;
import dev.lp.dsl.TaskJsonl;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import picocli.CommandLine.ParameterException;

/** Task files (golden JSONL) named by a command's option, read with the command's usage errors. */
final class TaskFiles {
  private TaskFiles() {}

  /**
   * The tasks of {@code file}; a file that cannot be read, a bad line or no task at all is a usage
   * error naming {@code option}, made by {@code usage} (exit code 2).
   */
  static List<Task> read(String option, Path file, Function<String, ParameterException> usage) {
    List<Task> tasks;
    try {
      tasks = TaskJsonl.read(file);
    } catch (IOException e) {
      throw usage.apply(option + ": cannot read " + file + ": " + e.getClass().getSimpleName()
          + (e.getMessage() == null ? "" : " " + e.getMessage()));
    } catch (DslException e) {
      throw usage.apply(option + ": bad task line: " + e.getMessage());
    }
    if (tasks.isEmpty()) {
      throw usage.apply(option + ": " + file + " holds no tasks");
    }
    // A string no program can read or write would only be counted as a model error later.
    for (int i = 0; i < tasks.size(); i++) {
      Task t = tasks.get(i);
      int number = i + 1;
      for (List<String> strings : List.of(t.inputs(), t.outputs())) {
        for (String s : strings) {
          s.chars().filter(c -> !Alphabet.contains((char) c)).findFirst().ifPresent(c -> {
            throw usage.apply(option + ": " + file + ": task " + number + ": character '" + (char) c
                + "' (U+" + String.format("%04X", c) + ") is not in the DSL alphabet");
          });
        }
      }
    }
    return tasks;
  }
}
