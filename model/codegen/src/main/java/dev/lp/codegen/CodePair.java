package dev.lp.codegen;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonParseException;
import com.google.gson.annotations.SerializedName;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One example of the corpus: the docstring summary (the specification), the function's source (the
 * program to generate) and its ARG_i / VAR_i renamed form (seen only by the program encoder), with
 * where it came from: the package, the file relative to its source folder, the function's qualified
 * name and line, and the program's length in subword tokens.
 *
 * <p>Stored one JSON object per line ({@code train.jsonl}, {@code valid.jsonl}, {@code test.jsonl}).
 */
public record CodePair(String pkg, String file, String name, int line, String doc, String code, String renamed,
    int tokens) {

  private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

  /** The JSON form; {@code package} is a Java keyword, hence {@code pkg} in Java. */
  private record Json(@SerializedName("package") String pkg, String file, String name, Integer line, String doc, String code,
      String renamed, Integer tokens) {}

  public String toJson() {
    return GSON.toJson(new Json(pkg, file, name, line, doc, code, renamed, tokens));
  }

  public static CodePair fromJson(String line) {
    Json j;
    try {
      j = GSON.fromJson(line, Json.class);
    } catch (JsonParseException e) {
      throw new IllegalArgumentException("not a corpus line (" + e.getMessage() + ")");
    }
    if (j == null || j.pkg == null || j.file == null || j.name == null || j.line == null || j.doc == null
        || j.code == null || j.renamed == null || j.tokens == null) {
      throw new IllegalArgumentException("a corpus line needs package, file, name, line, doc, code, renamed and tokens");
    }
    return new CodePair(j.pkg, j.file, j.name, j.line, j.doc, j.code, j.renamed, j.tokens);
  }

  /** Writes pairs one per line. */
  public static void write(List<CodePair> pairs, Path file) throws IOException {
    try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      for (CodePair p : pairs) {
        w.write(p.toJson());
        w.write('\n');
      }
    }
  }

  /** Reads a corpus file; a bad line is an IllegalArgumentException naming file:line. */
  public static List<CodePair> read(Path file) throws IOException {
    List<CodePair> pairs = new ArrayList<>();
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      int n = 0;
      while ((line = in.readLine()) != null) {
        n++;
        if (line.isBlank()) {
          continue;
        }
        try {
          pairs.add(fromJson(line));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(file + ":" + n + ": " + e.getMessage());
        }
      }
    }
    return pairs;
  }
}
