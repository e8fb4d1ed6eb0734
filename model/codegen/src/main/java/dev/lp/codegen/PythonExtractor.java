package dev.lp.codegen;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Runs the extraction script shipped in this jar ({@code extract_functions.py}, Python's own
 * {@code ast}) with a Python interpreter over a list of files and hands every line it writes to a
 * consumer, parsed. The script is written to a temporary file for the run and removed after it.
 */
public final class PythonExtractor {
  static final String SCRIPT = "extract_functions.py";

  private final String python;

  /** {@code python}: the interpreter to run, a name on PATH or a path ({@code python3}). */
  public PythonExtractor(String python) {
    this.python = python;
  }

  /** Thrown when the interpreter cannot be started (not installed, not executable): a usage error. */
  public static final class PythonMissingException extends IllegalArgumentException {
    PythonMissingException(String message) {
      super(message);
    }
  }

  /** Whether {@code python} starts and is Python 3.9 or later (ast.unparse); tests skip without it. */
  public static boolean available(String python) {
    try {
      Process p = new ProcessBuilder(python, "-c", "import sys; sys.exit(0 if sys.version_info >= (3, 9) else 1)")
          .redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * Extracts the functions of {@code files} in their order, calling {@code sink} for each line the
   * script writes. Throws PythonMissingException when the interpreter does not start, and
   * IllegalStateException (with the script's last error lines) when it fails.
   */
  public void extract(List<Path> files, Consumer<ExtractionLine> sink) throws IOException, InterruptedException {
    Path script = Files.createTempFile("lp-extract-", ".py");
    try {
      try (InputStream in = PythonExtractor.class.getResourceAsStream(SCRIPT)) {
        if (in == null) {
          throw new IllegalStateException(SCRIPT + " is missing from the jar");
        }
        Files.copy(in, script, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      }
      Process p;
      try {
        p = new ProcessBuilder(python, script.toString()).start();
      } catch (IOException e) {
        throw new PythonMissingException("cannot run " + python + " (" + e.getMessage()
            + "); the extraction needs Python 3.9 or later (Debian: apt-get install python3)");
      }
      StringBuilder stderr = new StringBuilder();
      Thread errReader = drain(p.getErrorStream(), stderr);
      Thread feeder = feed(p, files);
      try (BufferedReader out = new BufferedReader(new java.io.InputStreamReader(p.getInputStream(),
          StandardCharsets.UTF_8))) {
        String line;
        while ((line = out.readLine()) != null) {
          if (!line.isBlank()) {
            sink.accept(ExtractionLine.parse(line));
          }
        }
      } catch (RuntimeException | IOException e) {
        p.destroyForcibly();
        throw e;
      }
      feeder.join();
      int code = p.waitFor();
      errReader.join();
      if (code != 0) {
        throw new IllegalStateException(python + " " + SCRIPT + " exited with " + code + ": " + lastLines(stderr, 3));
      }
    } finally {
      Files.deleteIfExists(script);
    }
  }

  private static Thread feed(Process p, List<Path> files) {
    Thread t = new Thread(() -> {
      try (BufferedWriter w = new BufferedWriter(new OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8))) {
        for (Path f : files) {
          w.write(f.toString());
          w.write('\n');
        }
      } catch (IOException e) {
        // the script died; its exit code and stderr say why
      }
    }, "lp-extract-feed");
    t.setDaemon(true);
    t.start();
    return t;
  }

  private static Thread drain(InputStream err, StringBuilder into) {
    Thread t = new Thread(() -> {
      try {
        String s = new String(err.readAllBytes(), StandardCharsets.UTF_8);
        synchronized (into) {
          into.append(s);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }, "lp-extract-stderr");
    t.setDaemon(true);
    t.start();
    return t;
  }

  private static String lastLines(StringBuilder s, int n) {
    List<String> lines = new ArrayList<>(s.toString().strip().lines().toList());
    return String.join(" / ", lines.subList(Math.max(0, lines.size() - n), lines.size()));
  }
}
