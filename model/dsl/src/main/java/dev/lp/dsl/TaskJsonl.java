package dev.lp.dsl;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * The golden JSONL task format: one object per line,
 * {@code {"index": 0, "inputs": [...], "outputs": [...], "program": "3 9 100 95|12 105"}}, where
 * program (golden token form, see {@link Tokens#toGolden}) is optional. {@link #write} reproduces the
 * golden files byte for byte (Python json.dumps: ", " and ": " separators, non-ASCII escaped). Blank
 * lines are skipped; a bad line is a DslException naming file:line.
 */
public final class TaskJsonl {
  private TaskJsonl() {}

  /** All tasks of a file, in order. */
  public static List<Task> read(Path file) throws IOException {
    List<Task> tasks = new ArrayList<>();
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      int lineNo = 0;
      while ((line = in.readLine()) != null) {
        lineNo++;
        if (!line.isBlank()) {
          tasks.add(parseLine(line, file + ":" + lineNo));
        }
      }
    }
    return tasks;
  }

  /**
   * A lazy stream of a file's tasks for large files; close it (try-with-resources) to close the file.
   * Read errors surface as UncheckedIOException, bad lines as DslException naming file:line.
   */
  public static Stream<Task> stream(Path file) throws IOException {
    BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8);
    Iterator<Task> it = new Iterator<>() {
      int lineNo;
      Task next;

      @Override
      public boolean hasNext() {
        if (next != null) {
          return true;
        }
        try {
          String line;
          while ((line = in.readLine()) != null) {
            lineNo++;
            if (!line.isBlank()) {
              next = parseLine(line, file + ":" + lineNo);
              return true;
            }
          }
          return false;
        } catch (IOException e) {
          throw new UncheckedIOException("reading " + file + " after line " + lineNo, e);
        }
      }

      @Override
      public Task next() {
        if (!hasNext()) {
          throw new NoSuchElementException("no more tasks in " + file);
        }
        Task t = next;
        next = null;
        return t;
      }
    };
    return StreamSupport.stream(Spliterators.spliteratorUnknownSize(it, Spliterator.ORDERED | Spliterator.NONNULL), false)
        .onClose(() -> {
          try {
            in.close();
          } catch (IOException e) {
            throw new UncheckedIOException("closing " + file, e);
          }
        });
  }

  /** Parses one JSONL line; where (e.g. "file:line") prefixes every error message. */
  public static Task parseLine(String line, String where) {
    JsonObject o;
    try {
      JsonElement e = JsonParser.parseString(line);
      if (!e.isJsonObject()) {
        throw new DslException(where + ": expected a JSON object");
      }
      o = e.getAsJsonObject();
    } catch (JsonParseException e) {
      throw new DslException(where + ": invalid JSON: " + e.getMessage());
    }
    List<String> inputs = strings(o, "inputs", where);
    List<String> outputs = strings(o, "outputs", where);
    Program program = null;
    JsonElement p = o.get("program");
    if (p != null && !p.isJsonNull()) {
      if (!p.isJsonPrimitive() || !p.getAsJsonPrimitive().isString()) {
        throw new DslException(where + ": \"program\" must be a string of token ids");
      }
      try {
        program = Tokens.fromGolden(p.getAsString());
      } catch (DslException e) {
        throw new DslException(where + ": bad \"program\": " + e.getMessage(), e.position());
      }
    }
    List<String> hiddenInputs = o.has("hidden_inputs") ? strings(o, "hidden_inputs", where) : List.of();
    List<String> hiddenOutputs = o.has("hidden_outputs") ? strings(o, "hidden_outputs", where) : List.of();
    try {
      return new Task(inputs, outputs, program, hiddenInputs, hiddenOutputs);
    } catch (DslException e) {
      throw new DslException(where + ": " + e.getMessage());
    }
  }

  private static List<String> strings(JsonObject o, String field, String where) {
    JsonElement e = o.get(field);
    if (e == null || !e.isJsonArray()) {
      throw new DslException(where + ": missing or non-array field \"" + field + "\"");
    }
    JsonArray a = e.getAsJsonArray();
    List<String> out = new ArrayList<>(a.size());
    for (int k = 0; k < a.size(); k++) {
      JsonElement s = a.get(k);
      if (!s.isJsonPrimitive() || !s.getAsJsonPrimitive().isString()) {
        throw new DslException(where + ": \"" + field + "\"[" + k + "] is not a string");
      }
      out.add(s.getAsString());
    }
    return out;
  }

  /** Writes one line (with trailing '\n') in the golden files' exact format; "program" omitted if null. */
  public static void write(Writer out, long index, Task task) throws IOException {
    if (task == null) {
      throw new DslException("cannot write a null task");
    }
    out.write(format(index, task));
    out.write('\n');
  }

  /** The JSON line (without newline) that {@link #write} writes. */
  public static String format(long index, Task task) {
    StringBuilder sb = new StringBuilder(256);
    sb.append("{\"index\": ").append(index).append(", \"inputs\": ");
    array(sb, task.inputs());
    sb.append(", \"outputs\": ");
    array(sb, task.outputs());
    if (task.program() != null) {
      sb.append(", \"program\": ");
      string(sb, Tokens.toGolden(task.program()));
    }
    if (task.hasHidden()) {
      // Extra fields after the golden ones: readers of the golden format skip them.
      sb.append(", \"hidden_inputs\": ");
      array(sb, task.hiddenInputs());
      sb.append(", \"hidden_outputs\": ");
      array(sb, task.hiddenOutputs());
    }
    return sb.append('}').toString();
  }

  private static void array(StringBuilder sb, List<String> xs) {
    sb.append('[');
    for (int k = 0; k < xs.size(); k++) {
      if (k > 0) {
        sb.append(", ");
      }
      string(sb, xs.get(k));
    }
    sb.append(']');
  }

  /** A JSON string as Python json.dumps (ensure_ascii) writes it. */
  private static void string(StringBuilder sb, String s) {
    sb.append('"');
    for (int k = 0; k < s.length(); k++) {
      char c = s.charAt(k);
      switch (c) {
        case '"': sb.append("\\\""); break;
        case '\\': sb.append("\\\\"); break;
        case '\n': sb.append("\\n"); break;
        case '\r': sb.append("\\r"); break;
        case '\t': sb.append("\\t"); break;
        case '\b': sb.append("\\b"); break;
        case '\f': sb.append("\\f"); break;
        default:
          if (c < 0x20 || c > 0x7e) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
      }
    }
    sb.append('"');
  }
}
