package dev.lp.codegen;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * A Python file of the corpus: the source folder it was found under and its path relative to that
 * folder ({@code json/decoder.py}), which is what the split hashes.
 */
public record SourceFile(Path root, Path path, String relative) {

  /** Folder names whose files are tests, left out unless asked for. */
  static final Set<String> TEST_FOLDERS = Set.of("test", "tests", "testing", "idle_test", "unittests");

  /**
   * Every {@code .py} file under {@code roots}, roots in the order given and files sorted by their
   * relative path within each root, so the order (and so which of two duplicates is kept) does not
   * depend on the file system. Without {@code includeTests}, files in a test folder
   * ({@link #TEST_FOLDERS}) and files named {@code test_*.py} or {@code *_test.py} are left out.
   * A file under two roots is listed once, under the first.
   */
  public static List<SourceFile> list(List<Path> roots, boolean includeTests) throws IOException {
    List<SourceFile> files = new ArrayList<>();
    Set<Path> seen = new java.util.HashSet<>();
    for (Path given : roots) {
      if (!Files.isDirectory(given)) {
        throw new IllegalArgumentException("source folder " + given + " does not exist or is not a folder");
      }
      Path root = given.toRealPath();
      List<SourceFile> here = new ArrayList<>();
      try (Stream<Path> walk = Files.walk(root)) {
        walk.filter(p -> p.getFileName().toString().endsWith(".py") && Files.isRegularFile(p)).forEach(p -> {
          String rel = root.relativize(p).toString().replace('\\', '/');
          if ((includeTests || !isTest(rel)) && !rel.contains("__pycache__")) {
            here.add(new SourceFile(root, p, rel));
          }
        });
      }
      here.sort(Comparator.comparing(SourceFile::relative));
      for (SourceFile f : here) {
        if (seen.add(f.path())) {
          files.add(f);
        }
      }
    }
    return files;
  }

  /** Whether a relative path is a test file (in a test folder, or named test_*.py or *_test.py). */
  static boolean isTest(String relative) {
    String[] parts = relative.split("/");
    for (int i = 0; i < parts.length - 1; i++) {
      if (TEST_FOLDERS.contains(parts[i])) {
        return true;
      }
    }
    String name = parts[parts.length - 1];
    return name.startsWith("test_") || name.endsWith("_test.py");
  }

  /**
   * The package a file belongs to when no system package owns it: the first folder of its relative
   * path (a top-level Python package), or the source folder's name for a module at the top.
   */
  public String topLevelPackage() {
    int slash = relative.indexOf('/');
    return slash > 0 ? relative.substring(0, slash) : root.getFileName().toString();
  }
}
