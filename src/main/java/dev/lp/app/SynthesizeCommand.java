package dev.lp.app;

import dev.lp.app.kafka.EventPrinter;
import dev.lp.app.kafka.SynthesisClient;
import dev.lp.dsl.Program;
import dev.lp.dsl.ProgramText;
import dev.lp.dsl.TaskJsonl;
import dev.lp.search.Consistency;
import dev.lp.protocol.Finished;
import dev.lp.protocol.Options;
import dev.lp.search.Guidance;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code lp synthesize}: sends one request and prints its events as they stream.
 * Exit codes: 0 solved, 1 not solved (or no answer in time), 2 bad arguments, 3 no broker,
 * 4 the worker rejected the request as invalid.
 */
@Command(
    name = "synthesize",
    mixinStandardHelpOptions = true,
    description = {"Sends one synthesis request over Kafka and prints the streamed events with timings.",
        "Exit codes: 0 solved; 1 not solved (exhausted, deadline, failed) or no answer within --wait;"
            + " 2 bad arguments; 3 no broker (unreachable: at once; not answering: after --connect-timeout);"
            + " 4 the worker rejected the request as invalid (its Error names the field)."})
public final class SynthesizeCommand implements Callable<Integer> {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(names = "--bootstrap", paramLabel = "HOST:PORT",
      description = "Kafka bootstrap servers (default: lp.kafka.bootstrap-servers of the config).")
  String bootstrap;

  @Option(names = {"-e", "--example"}, paramLabel = "'INPUT=>OUTPUT'",
      description = "An I/O example; repeat for more. The separator appears once in each (see --separator).")
  List<String> examples = new ArrayList<>();

  @Option(names = "--separator", paramLabel = "SEP", defaultValue = "=>",
      description = "What separates input from output in --example, for texts that contain '=>' themselves"
          + " (e.g. --separator ' -> ' or a tab). Default: ${DEFAULT-VALUE}.")
  String separator;

  @Option(names = "--file", paramLabel = "TASKS.jsonl", description = "Take the examples from a tasks JSONL file.")
  Path file;

  @Option(names = "--index", description = "Which task of --file (0-based). Default: ${DEFAULT-VALUE}.")
  int index;

  @Option(names = "--beam", paramLabel = "B", description = "Beam size B (0 = the worker's default).")
  int beam;

  @Option(names = "--latent-beams", paramLabel = "L", description = "Latent beams L (0 = the worker's default).")
  int latentBeams;

  @Option(names = "--deadline-ms", paramLabel = "D", description = "Deadline in ms (0 = the worker's default).")
  long deadlineMs;

  @Option(names = "--max-programs", description = "Consistent programs to find (0 = 1).")
  int maxPrograms;

  @Option(names = "--stream", description = "Also stream inconsistent candidates.")
  boolean stream;

  @Option(names = "--guidance", paramLabel = "MODE",
      description = "Execution guidance: off, prefix, versionspace or stepwise (default: the worker's,"
          + " lp.engine.default-guidance).")
  String guidance;

  @Option(names = "--ranking", paramLabel = "RANKING",
      description = "Which consistent program Solved carries: model (the first the model finds, at once) or occam (the"
          + " fewest expressions, the model breaking ties, when the search ends) (default: the worker's,"
          + " lp.engine.default-ranking).")
  String ranking;

  @Option(names = "--apply", paramLabel = "INPUT",
      description = "Once solved, run the answer on this input too and print what it gives; repeat for more"
          + " (fill the rest of a column).")
  List<String> apply = new ArrayList<>();

  @Option(names = "--apply-file", paramLabel = "FILE",
      description = "As --apply, for every line of FILE (one input per line; blank lines skipped).")
  Path applyFile;

  @Option(names = "--request-id", description = "Request id (default: a random UUID).")
  String requestId;

  @Option(names = "--wait", paramLabel = "DURATION", converter = DurationArg.class,
      description = {"How long to wait for Finished, e.g. 90s (default: the deadline + lp.client.failover"
          + " + lp.client.answer-grace, which covers a worker dying and its partition moving to another).",
          "Past the deadline the command says what it waits for."})
  Duration wait;

  /** The flag before --wait, in ms; kept so existing scripts run. */
  @Option(names = "--wait-ms", hidden = true)
  long waitMs;

  @Option(names = "--connect-timeout", paramLabel = "DURATION", converter = DurationArg.class,
      description = "How long a reachable broker may take to answer, e.g. 30s (default: lp.client.connect-timeout)."
          + " An unknown host or a refused connection fails at once.")
  Duration connectTimeout;

  @Option(names = "--config", paramLabel = "FILE", description = "HOCON file whose keys override the defaults.")
  Path config;

  /** The --guidance option as the protocol's enum; GUIDANCE_DEFAULT when not given. */
  private dev.lp.protocol.Guidance wireGuidance() {
    if (guidance == null) {
      return dev.lp.protocol.Guidance.GUIDANCE_DEFAULT;
    }
    Guidance g;
    try {
      g = Guidance.parse(guidance);
    } catch (IllegalArgumentException e) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--guidance: " + e.getMessage());
    }
    return dev.lp.protocol.Guidance.valueOf("GUIDANCE_" + g.name());
  }

  /** The --ranking option as the protocol's enum; RANKING_DEFAULT when not given. */
  private dev.lp.protocol.Ranking wireRanking() {
    if (ranking == null) {
      return dev.lp.protocol.Ranking.RANKING_DEFAULT;
    }
    try {
      return dev.lp.protocol.Ranking.valueOf("RANKING_" + dev.lp.search.Ranking.parse(ranking).name());
    } catch (IllegalArgumentException e) {
      throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--ranking: " + e.getMessage());
    }
  }

  // The hidden examples of a --file task: not sent, checked against the answer.
  private final List<String> hiddenInputs = new ArrayList<>();
  private final List<String> hiddenOutputs = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    var conf = AppConfig.load(config);
    List<String> inputs = new ArrayList<>();
    List<String> outputs = new ArrayList<>();
    readExamples(inputs, outputs);
    List<String> toApply = readApply();
    String id = requestId == null ? UUID.randomUUID().toString() : requestId;
    var request = SynthesisClient.request(id, inputs, outputs)
        .setOptions(Options.newBuilder().setBeamSize(beam).setLatentBeams(latentBeams)
            .setMaxPrograms(maxPrograms).setDeadlineMs(deadlineMs).setStreamCandidates(stream)
            .setGuidance(wireGuidance()).setRanking(wireRanking()));
    String servers = bootstrap != null ? bootstrap : conf.getString("lp.kafka.bootstrap-servers");
    Duration deadline = deadlineMs > 0 ? Duration.ofMillis(deadlineMs) : conf.getDuration("lp.engine.default-deadline");
    Duration waitFor = wait != null ? wait
        : waitMs > 0 ? Duration.ofMillis(waitMs)
        : deadline.plus(conf.getDuration("lp.client.failover")).plus(conf.getDuration("lp.client.answer-grace"));
    SynthesisClient client;
    try {
      client = SynthesisClient.connect(servers,
          connectTimeout != null ? connectTimeout : conf.getDuration("lp.client.connect-timeout"));
    } catch (SynthesisClient.NoBrokerException e) {
      System.err.println("lp synthesize: " + e.getMessage());
      return 3;
    }
    try (client) {
      var out = System.out;
      out.println("request " + id + ": " + inputs.size() + " examples -> " + servers);
      long sent = System.currentTimeMillis();
      client.send(request.setSentAtMs(sent).build());
      var printer = new EventPrinter(out, sent, inputs);
      // Up to the deadline (plus a second for the Finished to travel), then, if it has not come,
      // say why we keep waiting: a worker that died holds the partition until its session times out.
      Duration first = min(waitFor, deadline.plusSeconds(1));
      var events = new ArrayList<>(client.await(Set.of(id), first, printer::print).get(id));
      if (!finished(events) && waitFor.compareTo(first) > 0) {
        System.err.println("lp synthesize: no Finished by the deadline (" + deadline.toMillis() + " ms); waiting up to "
            + waitFor.minus(first).toSeconds() + " s more (--wait) for "
            + (events.isEmpty() ? "a worker to take the request (none may be running, or one died and its"
                + " partition moves to another after the session timeout)"
                : "the worker to finish it, or for another worker to serve it again if this one died"));
        events.addAll(client.await(Set.of(id), waitFor.minus(first), printer::print).get(id));
      }
      if (!finished(events)) {
        System.err.println("lp synthesize: no Finished for " + id + " within " + waitFor.toMillis()
            + " ms (is a worker running? `lp serve --bootstrap " + servers + "`)");
        return 1;
      }
      var status = events.get(events.size() - 1).event().getFinished().getStatus();
      if (status == Finished.Status.REJECTED) {
        System.err.println("lp synthesize: the worker rejected the request as invalid (the Error above says why)");
        return 4;
      }
      if (status == Finished.Status.SOLVED) {
        answer(events).ifPresent(program -> printApplied(out, program, toApply));
      }
      return status == Finished.Status.SOLVED ? 0 : 1;
    }
  }

  /** The program of the last Solved event (the answer), parsed. */
  private static java.util.Optional<Program> answer(List<SynthesisClient.Received> events) {
    for (int i = events.size() - 1; i >= 0; i--) {
      var e = events.get(i).event();
      if (e.hasSolved()) {
        try {
          return java.util.Optional.of(ProgramText.parse(e.getSolved().getProgramText()));
        } catch (RuntimeException unparsable) {
          System.err.println("lp synthesize: the answer's text does not parse here (" + unparsable.getMessage()
              + "); not applied");
          return java.util.Optional.empty();
        }
      }
    }
    return java.util.Optional.empty();
  }

  /**
   * Runs the answer on the inputs of --apply/--apply-file, and on the hidden examples of a --file task
   * (the examples not sent: does the answer generalise to them?), and prints what it gives.
   */
  private void printApplied(java.io.PrintStream out, Program program, List<String> toApply) {
    if (!toApply.isEmpty()) {
      List<String> got = Consistency.outputs(program, toApply);
      out.println("applied to " + toApply.size() + " more input" + (toApply.size() == 1 ? "" : "s") + ":");
      for (int i = 0; i < toApply.size(); i++) {
        out.println("  " + quote(toApply.get(i)) + " => " + (got.get(i) == null ? "(fails)" : quote(got.get(i))));
      }
    }
    if (!hiddenInputs.isEmpty()) {
      List<String> got = Consistency.outputs(program, hiddenInputs);
      int ok = 0;
      for (int i = 0; i < hiddenInputs.size(); i++) {
        boolean same = hiddenOutputs.get(i).equals(got.get(i));
        ok += same ? 1 : 0;
        if (!same) {
          out.println("  hidden " + quote(hiddenInputs.get(i)) + ": wanted " + quote(hiddenOutputs.get(i)) + ", got "
              + (got.get(i) == null ? "(fails)" : quote(got.get(i))));
        }
      }
      out.println("hidden examples of the task (not sent): " + ok + "/" + hiddenInputs.size() + " reproduced");
    }
  }

  private static String quote(String s) {
    return "\"" + s + "\"";
  }

  private List<String> readApply() throws java.io.IOException {
    List<String> all = new ArrayList<>(apply);
    if (applyFile != null) {
      if (!Files.isRegularFile(applyFile)) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--apply-file " + applyFile + " does not exist");
      }
      try (Stream<String> lines = Files.lines(applyFile)) {
        lines.filter(l -> !l.isBlank()).forEach(all::add);
      }
    }
    return all;
  }

  private static boolean finished(List<SynthesisClient.Received> events) {
    return !events.isEmpty() && events.get(events.size() - 1).event().hasFinished();
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  private void readExamples(List<String> inputs, List<String> outputs) throws Exception {
    if (file != null && !examples.isEmpty()) {
      throw new CommandLine.ParameterException(spec.commandLine(), "give --example or --file, not both");
    }
    if (file != null) {
      if (!Files.isRegularFile(file)) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--file " + file + " does not exist");
      }
      if (index < 0) {
        throw new CommandLine.ParameterException(spec.commandLine(), "--index must be >= 0, got " + index);
      }
      try (Stream<String> lines = Files.lines(file)) {
        var line = lines.filter(l -> !l.isBlank()).skip(index).findFirst();
        if (line.isEmpty()) {
          throw new CommandLine.ParameterException(spec.commandLine(), "--file " + file + " has no task at index " + index);
        }
        var task = TaskJsonl.parseLine(line.get(), file + " task " + index);
        inputs.addAll(task.inputs());
        outputs.addAll(task.outputs());
        hiddenInputs.addAll(task.hiddenInputs());
        hiddenOutputs.addAll(task.hiddenOutputs());
      } catch (RuntimeException e) {
        if (e instanceof CommandLine.ParameterException) {
          throw e;
        }
        throw new CommandLine.ParameterException(spec.commandLine(), "--file " + file + ": " + e.getMessage());
      }
      return;
    }
    if (examples.isEmpty()) {
      throw new CommandLine.ParameterException(spec.commandLine(), "give at least one --example 'INPUT=>OUTPUT' or --file");
    }
    if (separator.isEmpty()) {
      throw new CommandLine.ParameterException(spec.commandLine(), "--separator must not be empty");
    }
    for (String ex : examples) {
      int at = ex.indexOf(separator);
      if (at < 0) {
        throw new CommandLine.ParameterException(spec.commandLine(),
            "example '" + ex + "' has no '" + separator + "' between input and output");
      }
      if (ex.indexOf(separator, at + 1) >= 0) {
        throw new CommandLine.ParameterException(spec.commandLine(),
            "example '" + ex + "' has '" + separator + "' more than once, so where the input ends is ambiguous;"
                + " choose a separator the texts do not contain with --separator (e.g. --separator ' -> ')");
      }
      inputs.add(ex.substring(0, at));
      outputs.add(ex.substring(at + separator.length()));
    }
  }
}
