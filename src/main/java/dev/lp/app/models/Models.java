package dev.lp.app.models;

import dev.lp.app.common.DemoTasks;
import dev.lp.app.common.TempDirs;
import dev.lp.actors.ModelSource;
import dev.lp.app.models.ModelLoader;
import dev.lp.dsl.TaskJsonl;
import dev.lp.search.SynthesisModel;
import dev.lp.search.fake.ScriptedModel;
import dev.lp.checkpoint.CheckpointException;
import dev.lp.checkpoint.CheckpointStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

/**
 * Turns the {@code --model} option into a {@link ModelSource}: the single place where serving picks
 * its model.
 *
 * <p>Accepted values: {@code scripted} (a stand-in that "finds" the demo tasks' programs, see
 * {@link DemoTasks}), {@code scripted:FILE} (also the tasks of a tasks JSONL file, each with its
 * own program), {@code scripted@DELAY} (the stand-in taking DELAY per model step: requests stay in
 * flight long enough to kill a worker under them, for the failover benchmark) and {@code checkpoint:DIR} (a trained model; see {@link #fromCheckpoint}).
 */
public final class Models {
  private Models() {}

  /** The model source named by {@code spec}; IllegalArgumentException names what is wrong. */
  public static ModelSource open(String spec) {
    if (spec == null || spec.isBlank()) {
      throw new IllegalArgumentException("--model is empty; use " + CHOICES);
    }
    if (spec.equals("shipped")) {
      return shipped("lp");
    }
    if (spec.startsWith("shipped:")) {
      return shipped(spec.substring("shipped:".length()));
    }
    if (spec.equals("scripted")) {
      return ModelSource.fixed(scripted(List.of(), Duration.ZERO));
    }
    if (spec.startsWith("scripted@")) {
      return ModelSource.fixed(scripted(List.of(), stepDelay(spec.substring("scripted@".length()))));
    }
    if (spec.startsWith("scripted:")) {
      return ModelSource.fixed(scripted(List.of(Path.of(spec.substring("scripted:".length()))), Duration.ZERO));
    }
    if (spec.startsWith("checkpoint:")) {
      return fromCheckpoint(Path.of(spec.substring("checkpoint:".length())));
    }
    throw new IllegalArgumentException("--model '" + spec + "' is not known; use " + CHOICES);
  }

  /** The values {@link #open} understands. */
  public static final String CHOICES =
      "shipped (the Latent Programmer in this build), shipped:baseline, checkpoint:DIR, scripted, scripted:FILE"
          + " or scripted@DELAY (the stand-in taking DELAY, e.g. 300ms, per model step)";

  /**
   * The per-step delay of {@code scripted@DELAY}, in the config's duration syntax ({@code 300ms});
   * at most 10 s, so a request still ends.
   */
  static Duration stepDelay(String text) {
    String bad = "--model scripted@" + text + ": the step delay must be a duration with a unit, 0..10s (e.g. 300ms)";
    if (text.isEmpty() || !Character.isLetter(text.charAt(text.length() - 1))) {
      throw new IllegalArgumentException(bad);
    }
    Duration d;
    try {
      d = com.typesafe.config.ConfigFactory.parseString("d = \"" + text.replace("\"", "") + "\"").getDuration("d");
    } catch (com.typesafe.config.ConfigException e) {
      throw new IllegalArgumentException(bad);
    }
    if (d.isNegative() || d.compareTo(Duration.ofSeconds(10)) > 0) {
      throw new IllegalArgumentException(bad);
    }
    return d;
  }

  /**
   * A checkpoint shipped inside the application jar under {@code /models/KIND/}: copied to a
   * temporary directory (removed at exit) and then verified and loaded like any other.
   */
  public static ModelSource shipped(String kind) {
    if (!kind.matches("[a-z]+")) {
      throw new IllegalArgumentException("shipped model kind must be a plain word such as lp or baseline, got '"
          + kind + "'");
    }
    String base = "/models/" + kind + "/";
    if (Models.class.getResource(base + CheckpointStore.MANIFEST) == null) {
      throw new IllegalArgumentException("this build ships no '" + kind + "' model (no " + base
          + CheckpointStore.MANIFEST + " on the classpath); use checkpoint:DIR");
    }
    try {
      // The directory name becomes the model version on every event: "shipped-lp@STEP".
      Path parent = TempDirs.create("lp-model-");
      parent.toFile().deleteOnExit();
      Path dir = Files.createDirectory(parent.resolve("shipped-" + kind));
      dir.toFile().deleteOnExit();
      for (String file : List.of(CheckpointStore.MANIFEST, CheckpointStore.WEIGHTS)) {
        try (var in = Models.class.getResourceAsStream(base + file)) {
          if (in == null) {
            throw new IllegalArgumentException("the shipped '" + kind + "' model lacks " + file);
          }
          Path target = dir.resolve(file);
          Files.copy(in, target);
          target.toFile().deleteOnExit();
        }
      }
      return fromCheckpoint(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot unpack the shipped '" + kind + "' model", e);
    }
  }

  /**
   * A trained model from a checkpoint directory (or a run directory: its newest checkpoint),
   * verified (manifest, size, sha256) and loaded into DJL.
   */
  public static ModelSource fromCheckpoint(Path dir) {
    if (!Files.isDirectory(dir)) {
      throw new IllegalArgumentException("checkpoint directory " + dir + " does not exist");
    }
    try {
      SynthesisModel model = ModelLoader.load(dir);
      if (model.info().continuousLatents()) {
        model.close();
        throw new IllegalArgumentException("checkpoint " + dir + " is an ablation with continuous latents (kind "
            + model.info().kind() + "): it decodes only when told each program's length, so it can be evaluated (lp eval) but not served");
      }
      return ModelSource.fixed(model);
    } catch (CheckpointException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  /**
   * The scripted stand-in model: the demo tasks plus the tasks of {@code files}, each task's
   * programs in order; {@code stepDelay} simulates model cost per forward call.
   */
  public static ScriptedModel scripted(List<Path> files, Duration stepDelay) {
    var builder = ScriptedModel.builder().version("scripted-demo").stepDelay(stepDelay).maxProgramLength(64);
    var seen = new HashSet<String>();
    int code = 0;
    for (var t : DemoTasks.all()) {
      var entries = new ArrayList<ScriptedModel.Entry>();
      int[] latent = {3 + (code++ % 16)};
      for (var p : t.parsedPrograms()) {
        entries.add(ScriptedModel.Entry.ranked(latent, p));
      }
      builder.task(t.inputs(), t.outputs(), entries);
      seen.add(ScriptedModel.key(t.inputs(), t.outputs()));
    }
    for (var f : files) {
      List<dev.lp.dsl.Task> tasks;
      try {
        tasks = TaskJsonl.read(f);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read scripted tasks from " + f, e);
      }
      for (var t : tasks) {
        if (t.program() != null && seen.add(ScriptedModel.key(t.inputs(), t.outputs()))) {
          int[] latent = {3 + (code++ % 16)};
          builder.task(t.inputs(), t.outputs(), List.of(ScriptedModel.Entry.ranked(latent, t.program())));
        }
      }
    }
    return builder.build();
  }
}
