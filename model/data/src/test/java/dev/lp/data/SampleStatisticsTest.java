package dev.lp.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.lp.dsl.ConstStr;
import dev.lp.dsl.Program;
import dev.lp.dsl.SubStr;
import dev.lp.dsl.Task;
import dev.lp.dsl.Trim;
import java.util.List;
import org.junit.jupiter.api.Test;

class SampleStatisticsTest {

  @Test
  void expectationsFollowTheDrawsInDslMd() {
    SampleStatistics s = new SampleStatistics(SamplerConfig.paper());
    assertEquals(5.5, s.expectedMeanExpressions(), 1e-12);
    assertEquals(0.1, s.expectedExpressionShare(3), 1e-12);
    assertEquals(0.0, s.expectedExpressionShare(11), 1e-12);
    assertEquals(0.125, SampleStatistics.expectedOpFrequency("GetSpan"), 1e-12);
    assertEquals(0.03125, SampleStatistics.expectedOpFrequency("Trim"), 1e-12);
    assertEquals(0.25, SampleStatistics.expectedOpFrequency("ConstStr"), 1e-12);
    assertEquals(0.0, SampleStatistics.expectedOpFrequency("Remove"), 1e-12);
    // DSL.md token lengths: substring (3+7)/2=5, nesting 18/8=2.25, compose 1+2.25+(2.25+5)/2=6.875,
    // ConstStr 2: per expression 16.125/4 = 4.03125; 5.5 of them plus EOS.
    assertEquals(5.5 * 4.03125 + 1, s.expectedMeanProgramTokens(), 1e-9);
  }

  @Test
  void countsWhatItIsGiven() {
    SampleStatistics s = new SampleStatistics(SamplerConfig.paper().withMaxExpressions(3));
    Program p = Program.of(new ConstStr('a'), new SubStr(1, 2), new Trim());
    s.add(new Task(List.of("xyz"), List.of(p.apply("xyz")), p));
    s.add(new Task(List.of("xyz"), List.of("a"), Program.of(new ConstStr('a'))));
    assertEquals(2, s.tasks());
    assertEquals(1, s.tasksWithExpressions(3));
    assertEquals(1, s.tasksWithExpressions(1));
    assertEquals(2.0, s.meanExpressions(), 1e-12);
    assertEquals(0.5, s.kindFrequency(ExprKind.CONST_STR), 1e-12);
    assertEquals(1.0 / 3, s.kindFrequency(3, ExprKind.CONST_STR), 1e-12);
    assertEquals(0.25, s.opFrequency("Trim"), 1e-12);
    // ConstStr 2 + SubStr 3 + Trim 1 + EOS, and ConstStr 2 + EOS.
    assertEquals((7 + 3) / 2.0, s.meanProgramTokens(), 1e-12);
    Program tooLong = Program.of(new Trim(), new Trim(), new Trim(), new Trim());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> s.add(new Task(List.of("a"), List.of("a"), tooLong)));
    assertEquals(true, e.getMessage().contains("4 expressions"), e.getMessage());
  }
}
