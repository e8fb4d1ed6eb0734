package dev.lp.app.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A child JVM on this process's classpath ({@code lp serve}, {@code lp broker}, a test main), as
 * the operating system sees it: it can be stopped with SIGTERM or killed with SIGKILL (kill -9:
 * no shutdown hook, no goodbye to the broker). Its stdout and stderr are collected; {@link #start}
 * returns once it printed a line starting with the ready text.
 */
public final class ChildJvm implements AutoCloseable {

  private final String name;
  private final Process process;
  private final StringBuffer output;
  private final Thread reader;

  private ChildJvm(String name, Process process, StringBuffer output, Thread reader) {
    this.name = name;
    this.process = process;
    this.output = output;
    this.reader = reader;
  }

  /**
   * Starts {@code java <jvmArgs> -cp <this classpath> mainClass args...} with {@code env} added to
   * this process's environment; returns once a line of its output starts with {@code ready}, or
   * kills it and throws IllegalStateException (with its output) when it exits or {@code wait} passes.
   */
  public static ChildJvm start(String name, String ready, Duration wait, List<String> jvmArgs,
      Map<String, String> env, String mainClass, String... args) {
    // Surefire may run tests from a manifest-only jar; it names the real classpath here.
    String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    var command = new ArrayList<String>();
    command.add(java);
    command.addAll(jvmArgs);
    command.addAll(List.of("-cp", cp, mainClass));
    command.addAll(List.of(args));
    var pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().putAll(env);
    Process process;
    try {
      process = pb.start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot start " + name + ": " + e.getMessage(), e);
    }
    var output = new StringBuffer();
    var up = new CompletableFuture<Boolean>();
    var reader = new Thread(() -> {
      try (var in = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = in.readLine()) != null; ) {
          output.append(line).append('\n');
          if (line.startsWith(ready)) {
            up.complete(true);
          }
        }
      } catch (IOException e) {
        // the child is gone
      }
      up.complete(false);
    }, "child-" + name);
    reader.setDaemon(true);
    reader.start();
    var child = new ChildJvm(name, process, output, reader);
    boolean ok;
    try {
      ok = up.get(wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException e) {
      ok = false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      ok = false;
    }
    if (!ok) {
      child.kill();
      throw new IllegalStateException(name + " did not print '" + ready + "' within " + wait.toSeconds() + " s:\n"
          + child.finalOutput());
    }
    return child;
  }

  /** An {@code lp} command ({@code dev.lp.app.Main}) in a child JVM; see {@link #start}. */
  public static ChildJvm lp(String name, String ready, Duration wait, List<String> jvmArgs, Map<String, String> env,
      String... args) {
    return start(name, ready, wait, jvmArgs, env, "dev.lp.app.Main", args);
  }

  /**
   * {@code lp serve} in a child JVM with heap {@code maxHeap} (e.g. "512m") and its hot reload off,
   * named {@code name} towards the broker too: its consumer's client id is {@code name-intake}
   * (HOSTNAME feeds lp.kafka.client-id), so {@link ConsumerGroups} can tell whose partitions are whose.
   * Returns once it serves.
   */
  public static ChildJvm serve(String name, String bootstrap, String group, String model, String maxHeap,
      Duration wait, String... extra) {
    var args = new ArrayList<>(List.of("serve", "--bootstrap", bootstrap, "--group", group, "--model", model,
        "--no-reload"));
    args.addAll(List.of(extra));
    return lp(name, "worker serving", wait, List.of("-Xmx" + maxHeap), Map.of("HOSTNAME", name),
        args.toArray(String[]::new));
  }

  public String name() {
    return name;
  }

  public Process process() {
    return process;
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** What it printed so far. */
  public String output() {
    return output.toString();
  }

  /** Everything it printed, once it has exited and its output is read to the end (waits up to 10 s). */
  public String finalOutput() {
    try {
      reader.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return output.toString();
  }

  /** kill -9 (SIGKILL) and wait until it is gone (up to 30 s); true if it is. */
  public boolean kill() {
    process.destroyForcibly();
    return waitFor(Duration.ofSeconds(30));
  }

  /**
   * SIGTERM (through the process handle: Process.destroy() would also close our end of its
   * output), without waiting.
   */
  public void terminate() {
    process.toHandle().destroy();
  }

  /** Waits until it exits; true if it did within {@code wait}. */
  public boolean waitFor(Duration wait) {
    try {
      return process.waitFor(wait.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return !process.isAlive();
    }
  }

  /** SIGTERM, then SIGKILL if it has not exited within 30 s. */
  @Override
  public void close() {
    if (!process.isAlive()) {
      return;
    }
    terminate();
    if (!waitFor(Duration.ofSeconds(30))) {
      kill();
    }
  }
}
