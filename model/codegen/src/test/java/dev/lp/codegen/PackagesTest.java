package dev.lp.codegen;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PackagesTest {

  @TempDir Path dir;

  @Test
  void ownersComeFromDpkgListsAndLicencesFromCopyright() throws Exception {
    Path info = Files.createDirectories(dir.resolve("info"));
    Path doc = Files.createDirectories(dir.resolve("doc/python3-demo"));
    Files.writeString(info.resolve("python3-demo.list"), "/usr\n/usr/lib/python3/dist-packages/demo/__init__.py\n"
        + "/usr/lib/python3/dist-packages/demo/core.py\n/usr/share/doc/python3-demo/copyright\n");
    Files.writeString(info.resolve("libpython3.11-stdlib:amd64.list"), "/usr/lib/python3.11/json/decoder.py\n");
    Files.writeString(doc.resolve("copyright"), """
        Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
        Upstream-Name: demo

        Files: debian/*
        Copyright: 2020 Someone
        License: GPL-2+

        Files: *
        Copyright: 2019 Demo authors
        License: BSD-3-clause
         Redistribution and use ...
        """);
    Packages p = Packages.read(info, dir.resolve("doc"));
    Path root = Path.of("/usr/lib/python3/dist-packages");
    SourceFile core = new SourceFile(root, root.resolve("demo/core.py"), "demo/core.py");
    SourceFile loose = new SourceFile(root, root.resolve("loose/x.py"), "loose/x.py");
    assertEquals("python3-demo", p.packageOf(core));
    assertEquals("loose", p.packageOf(loose));
    assertEquals("libpython3.11-stdlib", p.owner(Path.of("/usr/lib/python3.11/json/decoder.py")).orElseThrow());
    assertEquals("debian:python3-demo: BSD-3-clause (other files: GPL-2+)", p.licence("python3-demo", core));
    assertEquals("unknown", p.licence("loose", loose));
  }

  @Test
  void licenceNotes() {
    String format = "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/";
    assertEquals("MIT", Packages.licenceNote(List.of(format, "Files: *", "License: MIT")));
    assertEquals("Expat; PSF-2", Packages.licenceNote(List.of(format, "Files: a/*", "License: Expat", "Files: b/*",
        "License: PSF-2")));
    // not machine-readable, with "License: <text>" lines for bundled code (libpython3.11-stdlib's form)
    assertEquals("PSF-2 (recognised from the licence text)", Packages.licenceNote(List.of("Copyright:", "License:",
        "", "PYTHON SOFTWARE FOUNDATION LICENSE VERSION 2", "", "License: Redistribution and use in source and")));
    assertEquals("It is distributed under the BSD licence.", Packages.licenceNote(List.of("This is demo.", "",
        "It is distributed under the BSD licence.")));
    assertEquals("unknown", Packages.licenceNote(List.of("nothing here")));
    // not machine-readable: a bare "License:" line, then the text (python3-yaml's form)
    assertEquals("Expat (MIT) (recognised from the licence text)", Packages.licenceNote(List.of("License:", "",
        "Permission is hereby granted, free of charge, to any person obtaining a copy")));
    assertEquals("PSF-2 (recognised from the licence text)", Packages.licenceNote(List.of("License:", "",
        "PYTHON SOFTWARE FOUNDATION LICENSE VERSION 2", "Redistribution and use in source and binary forms")));
    assertEquals("BSD (recognised from the licence text)", Packages.licenceNote(List.of("License:", "",
        "Redistribution and use in source and binary forms", "", "Bundled jQuery:",
        "Permission is hereby granted, free of charge")), "the first licence text names the package's");
    // machine-readable, but Files: * gives its licence as text (python3-matplotlib's form)
    assertEquals("Matplotlib (PSF-based) (recognised from the licence text) (other files: Expat)",
        Packages.licenceNote(List.of(format, "Files: *", "License:", " License agreement for matplotlib.", " .",
            " 1. This LICENSE AGREEMENT", "", "Files: extern/*", "License: Expat")));
  }
}
