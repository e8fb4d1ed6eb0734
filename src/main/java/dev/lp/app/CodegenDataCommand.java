package dev.lp.app;

import com.google.gson.GsonBuilder;
import dev.lp.codegen.Bpe;
import dev.lp.codegen.CodePair;
import dev.lp.codegen.CorpusBuilder;
import dev.lp.codegen.CorpusDir;
import dev.lp.codegen.ExtractionLine;
import dev.lp.codegen.Packages;
import dev.lp.codegen.PythonExtractor;
import dev.lp.codegen.SourceFile;
import dev.lp.codegen.Split;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code lp codegen-data}: builds the corpus of the paper's Python domain (section 5.3) from
 * installed Python sources: every function with a docstring becomes (docstring summary, code
 * without the docstring, ARG_i / VAR_i renamed code), found by Python's own {@code ast} through the
 * extraction script in the jar. Duplicates (by normalised code) are dropped, each file's functions
 * go to the split its path hashes to, a BPE vocabulary is trained on the training split (docstrings,
 * code and renamed code) and programs longer than {@code --max-tokens} subword tokens are dropped.
 *
 * <p>Writes {@code train.jsonl}, {@code valid.jsonl}, {@code test.jsonl}, {@code vocab.json} and
 * {@code manifest.json} (counts per split and package, each package's licence note, what was
 * dropped and why) into {@code --out}.
 */
@Command(
    name = "codegen-data",
    mixinStandardHelpOptions = true,
    description = "Builds the Python code-generation corpus (docstring -> function) and its BPE vocabulary"
        + " from installed Python sources.")
public final class CodegenDataCommand implements Callable<Integer> {

  private static final String MANIFEST = CorpusDir.MANIFEST;
  private static final String VOCAB = CorpusDir.VOCAB;
  /** Characters seen fewer times than this in the training split are {@code <unk>}. */
  static final int MIN_CHAR_COUNT = 3;

  @Spec CommandSpec spec;

  @Option(names = "--out", required = true, description = "output folder (new, empty, or an earlier corpus)")
  Path out;

  @Option(names = "--source", paramLabel = "DIR",
      description = "a folder of Python sources, repeatable (default: Debian's standard library /usr/lib/python3.N"
          + " and /usr/lib/python3/dist-packages)")
  List<Path> sources = new ArrayList<>();

  @Option(names = "--package", paramLabel = "NAME",
      description = "a Debian package whose files to take, repeatable, * matches anything (default: the standard"
          + " library and the permissive python3-* packages listed in README); files no package owns are always taken")
  List<String> packages = new ArrayList<>();

  @Option(names = "--max-tokens", defaultValue = "150",
      description = "longest program kept, in subword tokens (default: ${DEFAULT-VALUE}, the paper's)")
  int maxTokens;

  @Option(names = "--vocab-size", defaultValue = "8000",
      description = "BPE vocabulary size, specials and characters included (default: ${DEFAULT-VALUE}; paper: 35K)")
  int vocabSize;

  @Option(names = "--valid-percent", defaultValue = "5",
      description = "share of source files for validation (default: ${DEFAULT-VALUE})")
  double validPercent;

  @Option(names = "--test-percent", defaultValue = "5",
      description = "share of source files for test (default: ${DEFAULT-VALUE})")
  double testPercent;

  @Option(names = "--include-tests", description = "also take test files (test folders, test_*.py, *_test.py)")
  boolean includeTests;

  @Option(names = "--python", defaultValue = "python3",
      description = "the Python 3.9+ interpreter that runs the extraction (default: ${DEFAULT-VALUE})")
  String python;

  @Override
  public Integer call() throws IOException, InterruptedException {
    if (maxTokens < 1) {
      throw usage("--max-tokens must be >= 1, got " + maxTokens);
    }
    if (vocabSize < 16) {
      throw usage("--vocab-size must be >= 16, got " + vocabSize);
    }
    if (validPercent < 0 || testPercent < 0 || validPercent + testPercent >= 100) {
      throw usage("--valid-percent and --test-percent must be >= 0 and leave some files for training, got "
          + validPercent + " and " + testPercent);
    }
    Path target = out.toAbsolutePath().normalize();
    checkOut(target);
    List<Path> roots = sources.isEmpty() ? debianSources() : sources;
    List<String> allowed = packages.isEmpty() ? Packages.PERMISSIVE : packages;
    PrintWriter err = spec.commandLine().getErr();
    long start = System.nanoTime();

    List<SourceFile> listed = SourceFile.list(roots, includeTests);
    Packages owners = Packages.system();
    Map<String, SourceFile> byPath = new LinkedHashMap<>();
    Map<String, String> packageOf = new HashMap<>();
    int otherLicence = 0;
    for (SourceFile f : listed) {
      var owner = owners.owner(f.path());
      if (owner.isPresent() && !Packages.matches(owner.get(), allowed)) {
        otherLicence++;
        continue;
      }
      byPath.put(f.path().toString(), f);
      packageOf.put(f.path().toString(), owner.orElseGet(f::topLevelPackage));
    }
    if (byPath.isEmpty()) {
      throw usage("no Python files to read under " + roots + (otherLicence > 0 ? " (" + otherLicence
          + " belong to packages not in the --package list)" : ""));
    }
    if (!PythonExtractor.available(python)) {
      throw new IllegalArgumentException("cannot run " + python + " as Python 3.9 or later; the extraction needs it"
          + " (Debian: apt-get install python3, or give --python PATH)");
    }
    err.printf(Locale.ROOT, "extracting the functions of %d files with %s ...%n", byPath.size(), python);
    err.flush();

    CorpusBuilder builder = new CorpusBuilder(validPercent, testPercent);
    List<ExtractionLine.FileError> failed = new ArrayList<>();
    Map<String, Integer> filesPerPackage = new TreeMap<>();
    byPath.forEach((path, f) -> filesPerPackage.merge(packageOf.get(path), 1, Integer::sum));
    new PythonExtractor(python).extract(byPath.values().stream().map(SourceFile::path).toList(), line -> {
      SourceFile f = byPath.get(line.file());
      if (f == null) {
        throw new IllegalStateException("the extraction named a file it was not given: " + line.file());
      }
      if (line instanceof ExtractionLine.Function fn) {
        builder.add(packageOf.get(line.file()), f, fn);
      } else {
        failed.add((ExtractionLine.FileError) line);
      }
    });
    double extractSeconds = seconds(start);

    List<CodePair> train = builder.candidates(Split.TRAIN);
    err.printf(Locale.ROOT, "training a %d-token BPE vocabulary on %d training functions ...%n", vocabSize, train.size());
    err.flush();
    long bpeStart = System.nanoTime();
    Bpe bpe = Bpe.train(() -> train.stream().flatMap(p -> Stream.of(p.doc(), p.code(), p.renamed())).iterator(),
        vocabSize, MIN_CHAR_COUNT);
    double bpeSeconds = seconds(bpeStart);
    CorpusBuilder.Corpus corpus = builder.finish(bpe::count, maxTokens);

    Files.createDirectories(target);
    for (Split s : Split.values()) {
      CodePair.write(corpus.splits().get(s), target.resolve(s.fileName()));
    }
    bpe.save(target.resolve(VOCAB));
    double total = seconds(start);
    Map<String, Object> manifest = manifest(roots, allowed, byPath, filesPerPackage, otherLicence, failed, corpus, bpe,
        owners);
    manifest.put("seconds", ordered("extraction", round(extractSeconds), "bpe", round(bpeSeconds), "total", round(total)));
    Files.writeString(target.resolve(MANIFEST), new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create()
        .toJson(manifest) + "\n", StandardCharsets.UTF_8);

    PrintWriter o = spec.commandLine().getOut();
    o.printf(Locale.ROOT, "%d pairs (train %d, valid %d, test %d) from %d files of %d packages in %.1f s -> %s%n",
        corpus.size(), corpus.splits().get(Split.TRAIN).size(), corpus.splits().get(Split.VALID).size(),
        corpus.splits().get(Split.TEST).size(), byPath.size(), filesPerPackage.size(), total, target);
    o.printf(Locale.ROOT, "dropped: %d duplicates, %d longer than %d tokens, %d docstrings without words;"
        + " %d files did not parse; vocabulary %d tokens (%d merges)%n", corpus.duplicates(), corpus.tooLong(),
        maxTokens, corpus.noWords(), failed.size(), bpe.size(), bpe.merges());
    o.flush();
    return 0;
  }

  private Map<String, Object> manifest(List<Path> roots, List<String> allowed, Map<String, SourceFile> files,
      Map<String, Integer> filesPerPackage, int otherLicence, List<ExtractionLine.FileError> failed,
      CorpusBuilder.Corpus corpus, Bpe bpe, Packages owners) throws IOException {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("format", "lp-codegen-corpus-1");
    m.put("made_by", "lp codegen-data");
    m.put("sources", roots.stream().map(Path::toString).toList());
    m.put("packages_allowed", allowed);
    m.put("max_tokens", maxTokens);
    m.put("split_percent", ordered("valid", validPercent, "test", testPercent));
    m.put("include_tests", includeTests);
    m.put("vocab", ordered("file", VOCAB, "size", bpe.size(), "merges", bpe.merges(), "requested", vocabSize,
        "min_char_count", MIN_CHAR_COUNT, "trained_on", "train split: doc, code and renamed code"));
    Map<String, Object> counts = new LinkedHashMap<>();
    counts.put("files_read", files.size());
    counts.put("files_of_other_packages", otherLicence);
    counts.put("files_not_parsed", failed.size());
    counts.put("functions_with_docstring", corpus.functions());
    counts.put("docstrings_without_words", corpus.noWords());
    counts.put("duplicates", corpus.duplicates());
    counts.put("longer_than_max_tokens", corpus.tooLong());
    m.put("counts", counts);
    Map<String, Integer> pairs = new LinkedHashMap<>();
    for (Split s : Split.values()) {
      pairs.put(s.label(), corpus.splits().get(s).size());
    }
    pairs.put("total", corpus.size());
    m.put("pairs", pairs);
    Map<String, SourceFile> example = new HashMap<>();
    files.values().forEach(f -> example.putIfAbsent(owners.packageOf(f), f));
    List<Map<String, Object>> perPackage = new ArrayList<>();
    Map<String, Map<Split, Integer>> counted = corpus.perPackage();
    for (var e : filesPerPackage.entrySet()) {
      Map<String, Object> p = new LinkedHashMap<>();
      p.put("name", e.getKey());
      p.put("licence", owners.licence(e.getKey(), example.get(e.getKey())));
      p.put("files", e.getValue());
      Map<Split, Integer> c = counted.getOrDefault(e.getKey(), Map.of());
      for (Split s : Split.values()) {
        p.put(s.label(), c.getOrDefault(s, 0));
      }
      perPackage.add(p);
    }
    m.put("packages", perPackage);
    m.put("files_not_parsed", failed.stream().map(f -> files.get(f.file()).relative() + ": " + f.message()).toList());
    return m;
  }

  /** Debian's Python source folders that exist here: /usr/lib/python3.N and /usr/lib/python3/dist-packages. */
  static List<Path> debianSources() throws IOException {
    List<Path> roots = new ArrayList<>();
    Path lib = Path.of("/usr/lib");
    if (Files.isDirectory(lib)) {
      try (Stream<Path> dirs = Files.list(lib)) {
        dirs.filter(d -> d.getFileName().toString().matches("python3\\.[0-9]+") && Files.isRegularFile(d.resolve("os.py")))
            .sorted().forEach(roots::add);
      }
    }
    Path dist = lib.resolve("python3/dist-packages");
    if (Files.isDirectory(dist)) {
      roots.add(dist);
    }
    if (roots.isEmpty()) {
      throw new IllegalArgumentException("no Debian Python sources under /usr/lib (python3.N, python3/dist-packages);"
          + " give --source DIR");
    }
    return roots;
  }

  /** The output folder must be new, empty, or an earlier corpus (it has a manifest): nothing else is overwritten. */
  private void checkOut(Path target) {
    if (Files.exists(target) && !Files.isDirectory(target)) {
      throw usage("--out " + target + " is a file; give a folder");
    }
    if (Files.isDirectory(target) && !Files.exists(target.resolve(MANIFEST))) {
      try (Stream<Path> s = Files.list(target)) {
        if (s.findAny().isPresent()) {
          throw usage("--out " + target + " is a folder with other files in it; give a new or empty folder");
        }
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read --out " + target, e);
      }
    }
  }

  /** A map that keeps its keys in the order given (key, value, key, value ...), for a readable manifest. */
  private static Map<String, Object> ordered(Object... keysAndValues) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      m.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return m;
  }

  private static double seconds(long startNanos) {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  private static double round(double s) {
    return Math.round(s * 10) / 10.0;
  }

  private ParameterException usage(String message) {
    return new ParameterException(spec.commandLine(), message);
  }
}
