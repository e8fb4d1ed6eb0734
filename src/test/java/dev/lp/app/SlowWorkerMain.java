package dev.lp.app;

import dev.lp.app.models.Models;
import dev.lp.app.kafka.Worker;
import java.time.Duration;
import java.util.List;

/**
 * A worker for process-level tests (run in a child JVM): its stand-in model takes 400 ms a step,
 * so a request stays in flight long enough to kill the process under it.
 * Arguments: BOOTSTRAP GROUP. Prints "ready" once it owns partitions; runs until killed.
 */
public final class SlowWorkerMain {
  private SlowWorkerMain() {}

  public static void main(String[] args) throws Exception {
    var model = Models.scripted(List.of(), Duration.ofMillis(400));
    var worker = Worker.start(AppConfig.load(null), args[0], args[1], () -> model);
    if (!worker.intake().awaitAssignment(Duration.ofSeconds(60))) {
      System.out.println("no partitions within 60 s");
      System.exit(1);
    }
    System.out.println("ready");
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
