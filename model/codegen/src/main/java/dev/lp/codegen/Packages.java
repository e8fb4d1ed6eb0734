package dev.lp.codegen;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Which Debian package owns a file, and that package's licence, read from dpkg's own records
 * ({@code /var/lib/dpkg/info/*.list}, one installed path per line) and the package's
 * {@code /usr/share/doc/PKG/copyright}. On a system without dpkg nothing is owned and files are
 * attributed to their top-level Python package instead ({@link SourceFile#topLevelPackage}).
 */
public final class Packages {

  /**
   * The Debian packages whose Python files the corpus takes by default: the standard library and
   * python3-* packages under permissive licences (each package's {@code Files: *} licence, as its
   * copyright file says on Debian 12). {@code *} matches any run of characters. Packages under
   * (L)GPL, MPL or other copyleft licences (python3-apt, python3-gi, python3-chardet, python3-tqdm,
   * ...) are left out, and so is python3-pip, whose vendored copies carry such licences.
   */
  public static final List<String> PERMISSIVE = List.of(
      "libpython3.*-minimal", "libpython3.*-stdlib", "python3-lib2to3", "python3-distutils", // PSF-2
      "python3-sympy", "python3-mpmath", "python3-scipy", "python3-networkx", "python3-pythran", // BSD-3-clause
      "python3-numpy", "python3-pandas", "python3-django", "python3-joblib", "python3-jinja2", // BSD-3
      "python3-babel", "python3-sqlparse", "python3-oauthlib", "python3-click", "python3-dateutil", // BSD-3
      "python3-pygments", "python3-sphinx", // BSD-2-clause
      "python3-twisted", "python3-sqlalchemy", "python3-setuptools", "python3-pkg-resources", // Expat (MIT)
      "python3-urllib3", "python3-attr", "python3-pyparsing", "python3-yaml", // Expat (MIT)
      "python3-nltk", "python3-tornado", "python3-requests", "python3-packaging", // Apache-2.0
      "python3-docutils", // public domain (most files), BSD-2-clause, PSF
      "python3-matplotlib", // the Matplotlib licence (PSF-based)
      "python3-sklearn", "python3-astropy", "python3-statsmodels", "python3-dask", "python3-ipython", // BSD-3
      "python3-mne", "python3-skimage", "python3-kombu", "python3-werkzeug", "python3-flask", // BSD-3
      "python3-shapely", "python3-pint", "python3-reportlab", // BSD-3
      "python3-celery", // BSD-2-clause
      "python3-biopython", // the Biopython licence (permissive, BSD-like)
      "python3-nibabel", "python3-fonttools", "python3-openpyxl", "python3-jedi", "python3-parso", // Expat (MIT)
      "python3-xarray", "python3-aiohttp", "python3-boto3", "python3-botocore", "python3-nipype", // Apache-2.0
      "python3-dipy", "python3-seaborn", "python3-rdflib", "python3-scrapy", "python3-cherrypy3", // BSD-3
      "python3-numba", "python3-sunpy", // BSD-2-clause
      "python3-gevent", // MIT
      "python3-trio"); // Apache-2.0 or Expat

  /** Whether a package name matches one of the patterns ({@code *}: any run of characters). */
  public static boolean matches(String pkg, List<String> patterns) {
    for (String p : patterns) {
      String re = Arrays.stream(p.split("\\*", -1)).map(Pattern::quote).collect(Collectors.joining(".*"));
      if (pkg.matches(re)) {
        return true;
      }
    }
    return false;
  }

  private final Map<String, String> ownerOfPath = new HashMap<>();
  private final Path docDir;

  private Packages(Path docDir) {
    this.docDir = docDir;
  }

  /** The system's packages: dpkg's info folder and the doc folder. */
  public static Packages system() throws IOException {
    return read(Path.of("/var/lib/dpkg/info"), Path.of("/usr/share/doc"));
  }

  /** Reads the {@code .py} paths of every {@code *.list} file in {@code dpkgInfo} (absent: none). */
  public static Packages read(Path dpkgInfo, Path docDir) throws IOException {
    Packages p = new Packages(docDir);
    if (!Files.isDirectory(dpkgInfo)) {
      return p;
    }
    try (DirectoryStream<Path> lists = Files.newDirectoryStream(dpkgInfo, "*.list")) {
      for (Path list : lists) {
        String name = list.getFileName().toString();
        name = name.substring(0, name.length() - ".list".length());
        int colon = name.indexOf(':');
        String pkg = colon < 0 ? name : name.substring(0, colon);
        for (String line : Files.readAllLines(list, StandardCharsets.UTF_8)) {
          if (line.endsWith(".py")) {
            p.ownerOfPath.put(line, pkg);
          }
        }
      }
    }
    return p;
  }

  /** The package that installed {@code file} (its absolute path as installed), if any. */
  public Optional<String> owner(Path file) {
    return Optional.ofNullable(ownerOfPath.get(file.toString()));
  }

  /** The package a source file is counted under: its Debian owner, else its top-level Python package. */
  public String packageOf(SourceFile f) {
    return owner(f.path()).orElseGet(f::topLevelPackage);
  }

  /**
   * A one-line licence note for a package: for a Debian package, the licences its copyright file
   * names ({@code License:} lines of a machine-readable file, one that starts with {@code Format:},
   * the one for {@code Files: *} first), or for another file the licence whose text it quotes first
   * (PSF-2, Apache-2.0, Expat, BSD), else its first line naming a licence; for a folder package, the first line of a LICENSE or COPYING
   * file at its top. "unknown" when there is none.
   */
  public String licence(String pkg, SourceFile example) throws IOException {
    Path copyright = docDir.resolve(pkg).resolve("copyright");
    if (Files.isRegularFile(copyright)) {
      return "debian:" + pkg + ": " + licenceNote(Files.readAllLines(copyright, StandardCharsets.UTF_8));
    }
    Path top = example.relative().contains("/") ? example.root().resolve(example.topLevelPackage()) : example.root();
    for (String name : List.of("LICENSE", "LICENSE.txt", "COPYING")) {
      Path f = top.resolve(name);
      if (Files.isRegularFile(f)) {
        return Files.readAllLines(f, StandardCharsets.UTF_8).stream().map(String::strip).filter(s -> !s.isEmpty())
            .findFirst().orElse("unknown");
      }
    }
    return "unknown";
  }

  /** The licence note of a copyright file's lines (see {@link #licence}). */
  static String licenceNote(List<String> lines) {
    boolean machineReadable = !lines.isEmpty() && lines.get(0).startsWith("Format:");
    if (!machineReadable) {
      String known = recognise(lines);
      return known != null ? known : firstLicenceLine(lines);
    }
    String main = null;
    Set<String> all = new LinkedHashSet<>();
    boolean inFilesStar = false;
    int bareStarLicence = -1; // the line of "Files: *"'s License: when it gives the text and no name
    for (int n = 0; n < lines.size(); n++) {
      String line = lines.get(n);
      if (line.startsWith("Files:")) {
        inFilesStar = line.substring("Files:".length()).strip().equals("*");
      } else if (line.startsWith("License:")) {
        String l = line.substring("License:".length()).strip();
        if (!l.isEmpty()) {
          all.add(l);
          if (inFilesStar && main == null) {
            main = l;
          }
        } else if (inFilesStar && bareStarLicence < 0) {
          bareStarLicence = n;
        }
        inFilesStar = false;
      }
    }
    if (main == null && bareStarLicence >= 0) {
      int end = bareStarLicence + 1;
      while (end < lines.size() && lines.get(end).startsWith(" ")) {
        end++;
      }
      main = recognise(lines.subList(bareStarLicence + 1, end));
    }
    if (!all.isEmpty()) {
      List<String> others = new ArrayList<>(all);
      if (main == null) {
        return String.join("; ", others);
      }
      others.remove(main);
      return main + (others.isEmpty() ? "" : " (other files: " + String.join("; ", others) + ")");
    }
    return main != null ? main : firstLicenceLine(lines);
  }

  private static String firstLicenceLine(List<String> lines) {
    return lines.stream().map(String::strip).filter(s -> s.toLowerCase(Locale.ROOT).matches(
        ".*\\b(licen[cs]e[ds]?|gpl|bsd|mit|apache|public domain)\\b.*") && !s.endsWith(":")).findFirst()
        .orElse("unknown");
  }

  /** The licence whose known phrase comes first in the text, or null. */
  private static String recognise(List<String> lines) {
    String text = String.join("\n", lines);
    String first = null;
    int at = Integer.MAX_VALUE;
    for (String[] known : KNOWN_TEXTS) {
      int i = text.indexOf(known[0]);
      if (i >= 0 && i < at) {
        at = i;
        first = known[1];
      }
    }
    return first == null ? null : first + " (recognised from the licence text)";
  }

  /**
   * Phrases of common licence texts and their names, for copyright files that are not
   * machine-readable; the phrase that comes first in the file names the package's licence.
   */
  private static final String[][] KNOWN_TEXTS = {
      {"PYTHON SOFTWARE FOUNDATION LICENSE VERSION 2", "PSF-2"},
      {"License agreement for matplotlib", "Matplotlib (PSF-based)"},
      {"Apache License", "Apache-2.0"},
      {"Permission is hereby granted, free of charge", "Expat (MIT)"},
      {"Redistribution and use in source and binary forms", "BSD"},
  };
}
