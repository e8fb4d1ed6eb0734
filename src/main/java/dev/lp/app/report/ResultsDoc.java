package dev.lp.app.report;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * docs/RESULTS.md is written by the commands that measure, never by hand: each command owns one
 * marked section ({@code <!-- BEGIN name -->} ... {@code <!-- END name -->}) and replaces it
 * whole, so reruns update numbers in place and other sections stay untouched.
 */
public final class ResultsDoc {

  private final Path file;

  public ResultsDoc(Path file) {
    this.file = file;
  }

  /**
   * Where a measuring command writes unless told otherwise: runs/RESULTS.md under the working
   * directory (ignored by git), so a user's run does not edit the repository; the documented numbers
   * are written with {@code --results docs/RESULTS.md}.
   */
  public static ResultsDoc standard() {
    return new ResultsDoc(Path.of("runs", "RESULTS.md"));
  }

  public Path file() {
    return file;
  }

  /**
   * Whether {@code name} can name a section: lower-case words with dashes (dots allowed). Commands
   * check their {@code --section} with it before they measure, so a bad name fails at once.
   */
  public static boolean isSectionName(String name) {
    return name != null && name.matches("[a-z0-9][a-z0-9.-]*");
  }

  /**
   * Replaces the section {@code name} with {@code markdown} (appends it when absent), writing
   * the file atomically.
   */
  public synchronized void putSection(String name, String markdown) {
    if (!isSectionName(name)) {
      throw new IllegalArgumentException("section name must be lower-case words with dashes: " + name);
    }
    String begin = "<!-- BEGIN " + name + " -->";
    String end = "<!-- END " + name + " -->";
    String body = begin + "\n" + markdown.strip() + "\n" + end;
    try {
      String doc = Files.exists(file)
          ? Files.readString(file, StandardCharsets.UTF_8)
          : "# Results\n\nEvery section below is written by the command named in it; rerun that command to refresh it.\n";
      int b = doc.indexOf(begin);
      int e = doc.indexOf(end);
      String updated;
      if (b >= 0 && e > b) {
        updated = doc.substring(0, b) + body + doc.substring(e + end.length());
      } else {
        updated = doc.stripTrailing() + "\n\n" + body + "\n";
      }
      Path parent = file.toAbsolutePath().getParent();
      Files.createDirectories(parent);
      Path tmp = Files.createTempFile(parent, ".results", ".tmp");
      Files.writeString(tmp, updated, StandardCharsets.UTF_8);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException ex) {
      throw new UncheckedIOException("cannot update " + file, ex);
    }
  }

  /**
   * The head every measured section starts with: its title, the command that wrote it, the machine,
   * the machine's load average before and after the run (process benches, where other load moves the
   * numbers), and when it was written.
   */
  public static StringBuilder head(String title, String command, String loadBefore, String loadAfter) {
    StringBuilder md = new StringBuilder();
    md.append("## ").append(title).append("\n\n");
    md.append("Command: `").append(command).append("`  \n");
    md.append("Machine: ").append(Machine.describe()).append("  \n");
    md.append("Load average (1/5/15 min, whole machine) before the run: ").append(loadBefore).append("; after: ")
        .append(loadAfter).append("  \n");
    md.append("Written: ").append(java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS))
        .append("\n\n");
    return md;
  }
}
