package dev.lp.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.lp.dsl.Task;
import dev.lp.dsl.Tokens;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The latent probe on the scripted LP of {@link Fixtures}, where every measure is known exactly. */
class LatentProbeTest {

  @Test
  void measuresWhatTheTrueCodeBuys() {
    List<Task> tasks = Fixtures.tasks().subList(0, 4);
    int[] task3 = Tokens.encode(tasks.get(3).program());
    // the "autoencoder": task 3's program has code B, every other program code A
    LatentProbe probe = new LatentProbe(Fixtures.lp(Fixtures.tasks()),
        p -> Arrays.equals(p, task3) ? Fixtures.CODE_B : Fixtures.CODE_A);
    List<double[]> progress = new ArrayList<>();
    LatentProbe.Report r = probe.run(new Dataset("four", tasks, true), 2, 1, (phase, done, total, acc) -> progress.add(acc));
    assertEquals(4, r.tasks().size());
    assertEquals(4, progress.size());
    // two-level search with L=1 reads only code A: tasks 0 and 1; given the true code task 3 as well
    assertEquals(0.5, r.accuracy(), 1e-9);
    assertEquals(0.75, r.accuracyGivenTrueCode(), 1e-9);
    assertEquals(0.75, r.topCodeExact(), 1e-9);
    assertEquals(0.75, r.trueCodeInBeam(), 1e-9);
    assertEquals(0.75, r.positionAgreement(), 1e-9);
    assertEquals(Map.of(3, 3, 4, 1), r.codeCounts());
    assertEquals(Math.exp(-(0.75 * Math.log(0.75) + 0.25 * Math.log(0.25))), r.perplexity(), 1e-9);
    assertEquals(1.0, r.meanCodeLength(), 1e-9);
    String md = r.toMarkdown("lp latents --x", "m", "d", "scripted-lp");
    assertTrue(md.startsWith("## Latent codes"), md);
    assertTrue(md.contains("| codes used by the true codes (of K) | 2 of "), md);
    assertTrue(md.contains("| accuracy, B programs given the true code | 75.0% |"), md);
    assertTrue(md.contains("TOK_0 75.0%, TOK_1 25.0%"), md);
  }

  @Test
  void refusesAModelWithoutCodesAndTasksWithoutPrograms() {
    var e = assertThrows(IllegalArgumentException.class,
        () -> new LatentProbe(Fixtures.baseline(Fixtures.tasks()), p -> new int[0]));
    assertTrue(e.getMessage().contains("no discrete latent codes"), e.getMessage());
    Task t = Fixtures.tasks().get(0);
    Task noProgram = new Task(t.inputs(), t.outputs(), null);
    LatentProbe probe = new LatentProbe(Fixtures.lp(Fixtures.tasks()), p -> Fixtures.CODE_A);
    var none = assertThrows(IllegalArgumentException.class,
        () -> probe.run(new Dataset("none", List.of(noProgram), false), 2, 1, Evaluator.ProgressListener.NONE));
    assertTrue(none.getMessage().contains("no task with a program"), none.getMessage());
  }
}
