package dev.lp.eval;

import dev.lp.dsl.Task;
import dev.lp.dsl.Tokens;

/**
 * What is known about a task before searching: its position and its ground-truth program's size.
 *
 * @param index position in its dataset (0-based)
 * @param expressions ground-truth expressions, -1 when the task has no program
 * @param tokens ground-truth program tokens without EOS, -1 when the task has no program
 */
public record TaskFacts(int index, int expressions, int tokens) {

  public TaskFacts {
    if (index < 0) {
      throw new IllegalArgumentException("task index must be >= 0, got " + index);
    }
    if ((expressions < 0) != (tokens < 0) || expressions < -1 || tokens < -1) {
      throw new IllegalArgumentException("expressions and tokens are both -1 (no program) or both >= 0, got "
          + expressions + " and " + tokens);
    }
  }

  /** Facts of task {@code index}; EOS is not counted so tokens measure the program itself. */
  public static TaskFacts of(int index, Task task) {
    if (task == null) {
      throw new IllegalArgumentException("task " + index + " is null");
    }
    if (task.program() == null) {
      return new TaskFacts(index, -1, -1);
    }
    return new TaskFacts(index, task.program().size(), Tokens.encode(task.program()).length - 1);
  }

  public boolean hasProgram() {
    return expressions >= 0;
  }
}
