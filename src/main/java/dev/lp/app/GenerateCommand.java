package dev.lp.app;

import dev.lp.data.ParallelSampler;
import dev.lp.data.SamplerConfig;
import dev.lp.data.TaskSampler;
import dev.lp.dsl.TaskJsonl;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code lp generate}: samples tasks from the training distribution into a golden-format JSONL
 * file. The file holds indices start..start+count-1 of stream {@code --seed} in index order
 * whatever {@code --threads}, so equal arguments give byte-identical files and disjoint
 * {@code --start} ranges shard one stream across machines. The file appears atomically (written
 * beside it, then renamed), so a crash never leaves a truncated dataset under the target name.
 */
@Command(
    name = "generate",
    mixinStandardHelpOptions = true,
    description = "Samples RobustFill tasks (the Latent Programmer training distribution) into a JSONL file.")
public final class GenerateCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--count", required = true, description = "number of tasks (>= 1)")
  long count;

  @Option(names = "--seed", defaultValue = "1", description = "stream seed (default: ${DEFAULT-VALUE})")
  long seed;

  @Option(names = "--out", required = true, description = "output JSONL file")
  Path out;

  @Option(names = "--threads", description = "sampling threads (default: available processors)")
  Integer threads;

  @Option(names = "--start", defaultValue = "0", description = "index of the first task (default: ${DEFAULT-VALUE})")
  long start;

  @Option(names = "--max-expressions", defaultValue = "10",
      description = "most expressions per program, 1..100 (default: ${DEFAULT-VALUE})")
  int maxExpressions;

  @Option(names = "--max-input-length", defaultValue = "100",
      description = "longest input in characters, 8..100 (default: ${DEFAULT-VALUE})")
  int maxInputLength;

  @Option(names = "--max-output-length", defaultValue = "100",
      description = "longest output in characters (default: ${DEFAULT-VALUE})")
  int maxOutputLength;

  @Option(names = "--hidden", defaultValue = "0", paramLabel = "K",
      description = "also write K hidden examples per task (hidden_inputs/hidden_outputs, same program; sampled with"
          + " the shown ones, so the tasks differ from K=0's) to test whether a found program generalises"
          + " (default: ${DEFAULT-VALUE})")
  int hidden;

  @Override
  public Integer call() {
    int threadCount = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
    if (count < 1) {
      throw usage("--count must be >= 1, got " + count);
    }
    if (threadCount < 1) {
      throw usage("--threads must be >= 1, got " + threadCount);
    }
    if (start < 0) {
      throw usage("--start must be >= 0, got " + start);
    }
    if (hidden < 0 || hidden > 60) {
      throw usage("--hidden must be in 0..60, got " + hidden);
    }
    if (start > Long.MAX_VALUE - count) {
      throw usage("--start + --count must stay below 2^63, got " + start + " + " + count);
    }
    SamplerConfig config;
    try {
      SamplerConfig p = SamplerConfig.paper();
      config = new SamplerConfig(p.examples() + hidden, p.minExpressions(), maxExpressions, maxInputLength,
          maxOutputLength, p.minInputTokens(), p.maxInputTokens(), p.maxRepeats(), p.maxTokenLength());
    } catch (IllegalArgumentException e) {
      throw usage(e.getMessage().replace("maxExpressions", "--max-expressions")
          .replace("maxInputLength", "--max-input-length")
          .replace("maxOutputLength", "--max-output-length"));
    }
    Path target = out.toAbsolutePath().normalize();
    Path tmp = openTemp(target);

    ParallelSampler sampler = new ParallelSampler(new TaskSampler(config), threadCount);
    ProgressBar progress = new ProgressBar(spec.commandLine().getErr(), "tasks", count);
    long startNanos = System.nanoTime();
    long[] written = {0};
    try (BufferedWriter w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
      // The same tasks TaskSampler.streamWithHidden gives eval: sampled with 4 + K examples, the last K hidden.
      sampler.run(seed, start, count, (i, task) -> jsonLine(i, task.hideLast(hidden)), line -> {
        try {
          w.write(line);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
        progress.update(++written[0]);
      });
      progress.finish(written[0]);
    } catch (IOException | UncheckedIOException e) {
      deleteQuietly(tmp);
      spec.commandLine().getErr().println("lp generate: cannot write " + target + ": " + rootMessage(e));
      return 1;
    } catch (RuntimeException | Error e) {
      deleteQuietly(tmp);
      throw e;
    }
    try {
      Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      deleteQuietly(tmp);
      spec.commandLine().getErr().println("lp generate: cannot move the finished file to " + target + ": " + rootMessage(e));
      return 1;
    }
    double seconds = (System.nanoTime() - startNanos) / 1e9;
    spec.commandLine().getOut().printf(Locale.ROOT, "%d tasks in %.2f s (%.0f tasks/s) -> %s%n",
        count, seconds, count / seconds, target);
    spec.commandLine().getOut().flush();
    return 0;
  }

  /** One JSONL line, encoded on a worker thread so the writer thread only copies bytes. */
  private static String jsonLine(long index, dev.lp.dsl.Task task) {
    return TaskJsonl.format(index, task) + "\n";
  }

  /** Checks the target can be written (before any sampling) and opens the temp file beside it. */
  private Path openTemp(Path target) {
    if (Files.isDirectory(target)) {
      throw usage("--out " + target + " is a directory; give a file name");
    }
    Path parent = target.getParent();
    try {
      Files.createDirectories(parent);
      // createFile, unlike createTempFile, honours the umask, so the dataset gets ordinary permissions.
      Path tmp = parent.resolve("." + target.getFileName() + "." + ProcessHandle.current().pid() + "."
          + Long.toHexString(System.nanoTime()) + ".tmp");
      return Files.createFile(tmp);
    } catch (IOException | SecurityException e) {
      throw usage("--out " + target + " is not writable: " + rootMessage(e));
    }
  }

  private ParameterException usage(String message) {
    return new ParameterException(spec.commandLine(), message);
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    String m = t.getMessage();
    return t.getClass().getSimpleName() + (m == null ? "" : ": " + m);
  }

  private static void deleteQuietly(Path p) {
    try {
      Files.deleteIfExists(p);
    } catch (IOException ignored) {
      // best effort: a stray temp file is harmless and named after its target
    }
  }
}
