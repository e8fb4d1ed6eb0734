package dev.lp.codegen;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;

/**
 * One line written by the extraction script ({@code extract_functions.py}): a function with a
 * docstring, or a file that did not read or parse.
 */
public sealed interface ExtractionLine {

  /** The file it came from (as the script was given it). */
  String file();

  /**
   * A function (or method) with a docstring: its qualified name, first line, docstring summary,
   * source without the docstring, and the ARG_i / VAR_i renamed source.
   */
  record Function(String file, String name, int line, String doc, String code, String renamed)
      implements ExtractionLine {}

  /** A file the script could not read or parse, and why. */
  record FileError(String file, String message) implements ExtractionLine {}

  /** Parses one line; a line that is not one of the two shapes is an IllegalArgumentException naming it. */
  static ExtractionLine parse(String json) {
    JsonObject o;
    try {
      JsonElement e = JsonParser.parseString(json);
      if (!e.isJsonObject()) {
        throw new IllegalArgumentException("extraction output is not a JSON object: " + abbreviate(json));
      }
      o = e.getAsJsonObject();
      String file = string(o, "file", json);
      if (o.has("error")) {
        return new FileError(file, string(o, "error", json));
      }
      if (!o.has("line") || !o.get("line").isJsonPrimitive()) {
        throw new IllegalArgumentException("extraction output has no line number: " + abbreviate(json));
      }
      return new Function(file, string(o, "name", json), o.get("line").getAsInt(), string(o, "doc", json),
          string(o, "code", json), string(o, "renamed", json));
    } catch (JsonParseException | NumberFormatException | IllegalStateException e) {
      throw new IllegalArgumentException("extraction output is not valid JSON (" + e.getMessage() + "): "
          + abbreviate(json));
    }
  }

  private static String string(JsonObject o, String key, String json) {
    JsonElement e = o.get(key);
    if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
      throw new IllegalArgumentException("extraction output has no string \"" + key + "\": " + abbreviate(json));
    }
    return e.getAsString();
  }

  private static String abbreviate(String s) {
    return s.length() <= 120 ? s : s.substring(0, 117) + "...";
  }
}
