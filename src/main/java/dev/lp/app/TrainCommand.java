package dev.lp.app;

import dev.lp.app.report.CommandText;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import dev.lp.data.SamplerConfig;
import dev.lp.data.TaskSampler;
import dev.lp.dsl.Task;
import dev.lp.dsl.TaskJsonl;
import dev.lp.nn.MatmulPrecision;
import dev.lp.nn.ModelConfig;
import dev.lp.trainer.LrSchedule;
import dev.lp.trainer.TaskSource;
import dev.lp.trainer.TaskSources;
import dev.lp.trainer.TrainLoop;
import dev.lp.trainer.TrainSettings;
import dev.lp.checkpoint.CheckpointStore;
import dev.lp.checkpoint.publish.CheckpointPublisher;
import java.time.Duration;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code lp train}: trains a Latent Programmer or a RobustFill-Transformer baseline on tasks
 * sampled on the fly (or read from a JSONL file), writing checkpoints, metrics.csv and curves
 * under {@code --out}. {@code --resume} continues from the newest checkpoint there with the
 * task stream and the learning-rate schedule where they stopped.
 */
@Command(
    name = "train",
    mixinStandardHelpOptions = true,
    description = "Trains a model (lp, baseline, lstm, or the ablations ae and vae) and writes checkpoints under --out.")
public final class TrainCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(names = "--kind", required = true, description = "lp (Latent Programmer), baseline (RobustFill-Transformer), lstm (RobustFill's LSTM) or the ablations with continuous latents ae (Latent AE) and vae (Latent VAE), evaluated given each program's length")
  String kind;

  @Option(names = "--size", defaultValue = "paper",
      description = "paper (d=128, 4 heads, ffn 512, 3+3 layers), small (d=64, ffn 256, 2+2) or tiny (d=32) (default: ${DEFAULT-VALUE})")
  String size;

  @Option(names = "--out", required = true, description = "run directory (checkpoints/, metrics.csv, loss.png)")
  Path out;

  @Option(names = "--steps", required = true, description = "total optimisation steps")
  long steps;

  @Option(names = "--batch-size", defaultValue = "32", description = "tasks per step (default: ${DEFAULT-VALUE})")
  int batchSize;

  @Option(names = "--lr", defaultValue = "1e-3", description = "peak learning rate (default: ${DEFAULT-VALUE})")
  float lr;

  @Option(names = "--clip-norm", defaultValue = "1.0",
      description = "scale gradients down to this global L2 norm; 0 = no clipping (default: ${DEFAULT-VALUE})")
  float clipNorm;

  @Option(names = "--warmup", defaultValue = "1000", description = "linear warm-up steps (default: ${DEFAULT-VALUE})")
  long warmup;

  @Option(names = "--decay", defaultValue = "invsqrt",
      description = "learning-rate shape after the warm-up: invsqrt (the reference), linear or cosine (to zero at"
          + " --decay-end), constant (default: ${DEFAULT-VALUE})")
  String decay;

  @Option(names = "--decay-end", defaultValue = "0",
      description = "step a linear or cosine decay reaches zero at; 0 = --steps (default: ${DEFAULT-VALUE})")
  long decayEnd;

  @Option(names = "--init-from", paramLabel = "CHECKPOINT_DIR",
      description = "start from this checkpoint's weights (e.g. src/main/resources/models/baseline), its step and its"
          + " tasks seen; its model configuration is kept (--size, --dropout, --latent-codes and --compression-log2"
          + " are ignored), Adam starts anew, and warm-up and decay count from its step; --steps is the total")
  Path initFrom;

  @Option(names = "--dropout", description = "dropout rate of the network (default: the size's, 0.1)")
  Float dropout;

  @Option(names = "--compression-log2", description = "LP: latent sequence is the program length / 2^ℓ; this is ℓ (default: 2)")
  Integer compressionLog2;

  @Option(names = "--pretrain-steps", description = "LP pretraining phase length (default: the size's, 10000 at paper size)")
  Integer pretrainSteps;

  @Option(names = "--latent-codes", description = "LP codebook size K (default: 40)")
  Integer latentCodes;

  @Option(names = "--io-pooling", description = "concat (attend to all examples) or maxpool (the paper's text variant)")
  String ioPooling;

  @Option(names = "--matmul-precision", defaultValue = "auto", paramLabel = "bf32|fp32|auto",
      description = "float32 matmuls as computed (fp32) or with bfloat16 inputs on AMX (bf32; ./lp sets"
          + " ONEDNN_DEFAULT_FPMATH_MODE=BF16 for it); auto: bf32 where the CPU has AMX, else fp32;"
          + " recorded in the manifest (default: ${DEFAULT-VALUE})")
  String matmulPrecision;

  @Option(names = "--train-seed", defaultValue = "1", description = "seed of the task stream (default: ${DEFAULT-VALUE})")
  long trainSeed;

  @Option(names = "--init-seed", defaultValue = "42", description = "seed of the weights (default: ${DEFAULT-VALUE})")
  long initSeed;

  @Option(names = "--tasks", description = "train on this JSONL file (golden format) instead of sampling")
  Path tasksFile;

  @Option(names = "--max-expressions", defaultValue = "10", description = "curriculum: most expressions per sampled program (default: ${DEFAULT-VALUE})")
  int maxExpressions;

  @Option(names = "--max-input-length", defaultValue = "100", description = "curriculum: longest sampled input (default: ${DEFAULT-VALUE})")
  int maxInputLength;

  @Option(names = "--data-threads", defaultValue = "1", description = "background threads making batches (default: ${DEFAULT-VALUE})")
  int dataThreads;

  @Option(names = "--log-every", defaultValue = "20", description = "steps between metric rows (default: ${DEFAULT-VALUE})")
  long logEvery;

  @Option(names = "--checkpoint-every", defaultValue = "500", description = "steps between checkpoints (default: ${DEFAULT-VALUE})")
  long checkpointEvery;

  @Option(names = "--resume", description = "continue from the newest checkpoint under --out; --batch-size, --lr,"
      + " --warmup, --clip-norm, the seeds and the data must be the checkpoint's (--steps and the intervals may differ)")
  boolean resume;

  @Option(names = "--publish", paramLabel = "HOST:PORT",
      description = "also publish every checkpoint on lp.checkpoints of this Kafka cluster (workers hot-reload it)")
  String publish;

  @Override
  public Integer call() {
    if (publish != null && !publish.matches("[^,:\\s]+:\\d{1,5}(,[^,:\\s]+:\\d{1,5})*")) {
      throw usage("--publish must be HOST:PORT[,HOST:PORT...], got '" + publish + "'");
    }
    ModelConfig config = modelConfig();
    MatmulPrecision precision;
    try {
      precision = MatmulPrecision.parse(matmulPrecision);
    } catch (IllegalArgumentException e) {
      throw usage("--matmul-precision: " + e.getMessage());
    }
    TaskSource source = taskSource();
    String sampler = String.format(Locale.ROOT, "sampler(maxExpressions=%d, maxInputLength=%d)", maxExpressions,
        maxInputLength);
    TrainSettings settings;
    try {
      settings = new TrainSettings(out, steps, batchSize, lr, warmup, trainSeed, initSeed, dataThreads, 8,
          logEvery, checkpointEvery, resume, clipNorm, tasksFile != null ? tasksFileIdentity() : sampler);
      settings = settings.withDecay(LrSchedule.Shape.parse(decay), decayEnd);
      if (initFrom != null) {
        settings = settings.withInitFrom(initFrom);
      }
    } catch (IllegalArgumentException e) {
      throw usage(e.getMessage());
    }
    JsonObject recipe = new JsonObject();
    JsonArray argv = new JsonArray();
    spec.commandLine().getParseResult().originalArgs().forEach(argv::add);
    recipe.add("args", argv);
    recipe.addProperty("command", CommandText.of(spec));
    recipe.addProperty("data", tasksFile != null ? "file:" + tasksFile : sampler);
    try {
      System.err.println("lp train: " + precision.apply());
    } catch (IllegalStateException | UnsatisfiedLinkError e) {
      System.err.println("lp train: cannot set the matmul precision: " + e.getMessage());
      return 1;
    }
    recipe.addProperty("matmulPrecision", precision.id());
    String fpmath = System.getenv(MatmulPrecision.FPMATH_ENV);
    if (fpmath != null) {
      recipe.addProperty("onednnFpmathMode", fpmath);
    }
    CheckpointPublisher publisher = publish == null ? null : new CheckpointPublisher(publish, Duration.ofSeconds(60));
    try {
      TrainLoop loop = new TrainLoop(settings, config, source, recipe, System.err);
      if (publisher != null) {
        loop.onCheckpoint(c -> publishQuietly(publisher, c));
      }
      TrainLoop.Outcome o = loop.run();
      System.out.printf(Locale.ROOT, "trained %s to step %d (%d tasks seen, %.1f tasks/s this run); checkpoint %s%n",
          config.kind(), o.steps(), o.tasksSeen(), o.tasksPerSecond(), o.checkpoint() == null ? "-" : o.checkpoint().dir());
      return 0;
    } catch (IllegalArgumentException e) {
      System.err.println("lp train: " + e.getMessage());
      return 2;
    } catch (IllegalStateException e) {
      System.err.println("lp train: " + e.getMessage());
      return 1;
    } finally {
      if (publisher != null) {
        publisher.close();
      }
      if (precision != MatmulPrecision.FP32) {
        MatmulPrecision.FP32.apply(); // libtorch's default again for whatever else runs in this JVM (tests)
      }
    }
  }

  /** A checkpoint that cannot be published is reported, and training goes on: it is safe on disk. */
  private static void publishQuietly(CheckpointPublisher publisher, CheckpointStore.Checkpoint c) {
    try {
      var p = publisher.publish(c.dir());
      System.err.printf(Locale.ROOT, "%npublished %s on lp.checkpoints (%d chunks, %d bytes)%n", p.version(), p.chunks(), p.bytes());
    } catch (RuntimeException e) {
      System.err.printf(Locale.ROOT, "%nlp train: could not publish %s (training goes on): %s%n", c.version(), e.getMessage());
    }
  }

  private ModelConfig modelConfig() {
    if (!ModelConfig.KINDS.contains(kind)) {
      throw usage("--kind must be one of " + String.join(", ", ModelConfig.KINDS) + ", got '" + kind + "'");
    }
    ModelConfig base = switch (size) {
      case "paper" -> ModelConfig.paperLp().withKind(kind);
      case "small" -> new ModelConfig(kind, 64, 4, 256, 2, 2, 0.1f, 100, 128, 40, 2, 0.25f, 0.99f, 2_000,
          ModelConfig.defaultPooling(kind));
      case "tiny" -> ModelConfig.tiny(kind);
      default -> throw usage("--size must be paper, small or tiny, got '" + size + "'");
    };
    try {
      if (pretrainSteps != null) {
        base = base.withPretrainSteps(pretrainSteps);
      }
      if (ioPooling != null) {
        base = base.withIoPooling(ioPooling);
      }
      if (latentCodes != null || dropout != null || compressionLog2 != null) {
        base = new ModelConfig(base.kind(), base.dModel(), base.heads(), base.ffn(), base.encoderLayers(),
            base.decoderLayers(), dropout != null ? dropout : base.dropout(), base.maxIoLength(),
            base.maxProgramLength(), latentCodes != null ? latentCodes : base.latentCodes(),
            compressionLog2 != null ? compressionLog2 : base.compressionLog2(), base.commitment(), base.emaDecay(),
            base.pretrainSteps(), base.ioPooling());
      }
    } catch (IllegalArgumentException e) {
      throw usage(e.getMessage());
    }
    return base;
  }

  /** A --tasks file by its content, so a resume may name it by another path but not change it. */
  private String tasksFileIdentity() {
    try {
      return "tasks file with sha256 " + CheckpointStore.sha256(tasksFile);
    } catch (java.io.IOException e) {
      throw usage("cannot read --tasks file " + tasksFile + ": " + e.getMessage());
    }
  }

  private TaskSource taskSource() {
    if (tasksFile != null) {
      if (!Files.isReadable(tasksFile)) {
        throw usage("cannot read --tasks file " + tasksFile);
      }
      List<Task> tasks;
      try {
        tasks = TaskJsonl.read(tasksFile);
      } catch (RuntimeException | java.io.IOException e) {
        throw usage("cannot use --tasks " + tasksFile + ": " + e.getMessage());
      }
      if (tasks.isEmpty() || tasks.stream().anyMatch(t -> t.program() == null)) {
        throw usage("--tasks " + tasksFile + " must hold at least one task, each with its program");
      }
      return TaskSources.epochs(tasks, trainSeed);
    }
    SamplerConfig sampler;
    try {
      sampler = SamplerConfig.paper().withMaxExpressions(maxExpressions).withMaxInputLength(maxInputLength);
    } catch (IllegalArgumentException e) {
      throw usage(e.getMessage());
    }
    return TaskSources.sampled(new TaskSampler(sampler), trainSeed);
  }

  private ParameterException usage(String message) {
    return new ParameterException(spec.commandLine(), message);
  }
}
