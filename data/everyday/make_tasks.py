#!/usr/bin/env python3
"""Writes tasks.jsonl: everyday spreadsheet-style string tasks, written for this repository.

Each task is what a user would ask of a by-example tool: a name, what they mean (a Python function
here, so every output, shown or hidden, is computed and none typed by hand), and seven inputs. The
first three are shown (inputs/outputs), the other four are hidden (hidden_inputs/hidden_outputs):
a program generalises when it also reproduces the hidden ones. Inputs vary in length and shape the
way real columns do, so a program that counts characters where the user meant words fails there.

Every string must use the DSL alphabet (letters, digits and & , . ? ! @ ( ) [ ] % { } / : ; $ # " '
and space); the script refuses one that does not. `expressible` is false for the tasks that need
what the DSL lacks (a conditional, arithmetic), kept so the suite reports them honestly.

Usage: python3 data/everyday/make_tasks.py > data/everyday/tasks.jsonl
"""
import json
import string
import sys

ALPHABET = set(string.ascii_letters + string.digits + "&,.?!@()[]%{}/:;$#\"' ")

TASKS = []


def task(name, inputs, fn, expressible=True):
    TASKS.append((name, inputs, fn, expressible))


def words(s):
    return s.split()


task("first name", ["Mason Smith", "Henry Myers", "Ann Lee", "Barry Underwood", "Jo Bloggs",
     "Christopher Robin", "Eve Adams"], lambda s: words(s)[0])
task("last name", ["Mason Smith", "Henry Myers", "Ann Lee", "Barry Underwood", "Jo Bloggs",
     "Christopher Robin", "Eve Adams"], lambda s: words(s)[-1])
task("initials with dots", ["John Smith", "Mary Ann", "Alexander Hamilton", "Bo Li", "Grace Hopper",
     "Alan Turing", "Ada Lovelace"], lambda s: ".".join(w[0] for w in words(s)) + ".")
task("last, first to first last", ["Smith, John", "Lovelace, Ada", "Li, Bo", "Hamilton, Alexander",
     "Hopper, Grace", "Ng, Andrew", "Turing, Alan"], lambda s: s.split(", ")[1] + " " + s.split(", ")[0])
task("first last to last, first", ["John Smith", "Ada Lovelace", "Bo Li", "Alexander Hamilton",
     "Grace Hopper", "Andrew Ng", "Alan Turing"], lambda s: words(s)[1] + ", " + words(s)[0])
task("email user", ["john.smith@example.com", "ada@math.org", "bo.li88@mail.cn", "grace@navy.mil",
     "alan.turing@bletchley.uk", "x@y.io", "andrew.ng2@stanford.edu"], lambda s: s.split("@")[0])
task("email domain", ["john.smith@example.com", "ada@math.org", "bo.li88@mail.cn", "grace@navy.mil",
     "alan.turing@bletchley.uk", "x@y.io", "andrew.ng2@stanford.edu"], lambda s: s.split("@")[1])
task("email provider", ["alice@gmail.com", "bob.jones@yahoo.co", "carol@outlook.com", "dan99@proton.me",
     "erin.k@icloud.com", "frank@aol.com", "gus.w@fastmail.fm"], lambda s: s.split("@")[1].split(".")[0])
task("date y/m/d to d/m/y", ["2024/03/15", "1999/12/31", "2001/07/04", "2010/01/09", "1985/11/23",
     "2023/06/30", "1970/02/01"], lambda s: "/".join(reversed(s.split("/"))))
task("year of m/d/y", ["3/15/2024", "12/31/1999", "7/4/2001", "1/9/2010", "11/23/1985", "6/30/2023",
     "2/1/1970"], lambda s: s.split("/")[2])
task("year of a written date", ["March 5, 2021", "December 25, 1999", "May 1, 2000", "July 14, 1789",
     "January 31, 2015", "June 6, 1944", "October 12, 1492"], lambda s: s.split(", ")[1])
task("month abbreviation, capitals", ["january 15", "february 28", "march 1", "october 31",
     "december 24", "april 1", "august 9"], lambda s: s[:3].upper())
task("time without seconds", ["14:35:20", "9:05:11", "23:59:59", "0:00:01", "7:45:30", "12:00:00",
     "18:20:05"], lambda s: ":".join(s.split(":")[:2]))
task("phone digits dotted", ["555 123 4567", "212 555 0199", "800 867 5309", "415 200 1000",
     "646 321 9876", "303 444 5555", "917 000 1234"], lambda s: s.replace(" ", "."))
task("phone area code in brackets", ["555 123 4567", "212 555 0199", "800 867 5309", "415 200 1000",
     "646 321 9876", "303 444 5555", "917 000 1234"], lambda s: "(" + words(s)[0] + ") " + " ".join(words(s)[1:]))
task("card last four", ["4111 1111 1111 1234", "5500 0000 0000 0004", "3400 0000 0000 009",
     "6011 0000 0000 0012", "4012 8888 8888 1881", "3530 1113 3330 0000", "5105 1051 0510 5100"],
     lambda s: words(s)[-1])
task("card masked", ["4111 1111 1111 1234", "5500 0000 0000 0004", "3400 0000 0000 009",
     "6011 0000 0000 0012", "4012 8888 8888 1881", "3530 1113 3330 0000", "5105 1051 0510 5100"],
     lambda s: "#### " + words(s)[-1])
task("order number", ["Order #4521 shipped", "Order #77 pending", "Order #100234 delivered",
     "Order #9 cancelled", "Order #31337 shipped", "Order #808 returned", "Order #1 pending"],
     lambda s: s.split("#")[1].split()[0])
task("hashtag", ["Loving the #sunset today", "#monday again", "so tired #work", "Best #pizza in town",
     "#travel time", "new #music out now", "go #team"], lambda s: [w for w in words(s) if w[0] == "#"][0][1:])
task("acronym", ["International Business Machines", "Portable Document Format", "Central Processing Unit",
     "Graphics Processing Unit", "Frequently Asked Questions", "Random Access Memory",
     "Universal Serial Bus"], lambda s: "".join(w[0] for w in words(s)))
task("file extension", ["report.pdf", "photo.jpeg", "notes.txt", "archive.tar", "song.mp3",
     "data.csv", "slides.pptx"], lambda s: s.split(".")[-1])
task("file name without extension", ["report.pdf", "photo2.jpeg", "notes.txt", "archive.tar", "song7.mp3",
     "data.csv", "slides.pptx"], lambda s: s.split(".")[0])
task("last path component", ["home/user/docs/file.txt", "var/log/syslog", "etc/hosts", "usr/local/bin/lp",
     "a/b/c/d/e.md", "tmp/x", "srv/www/index.html"], lambda s: s.split("/")[-1])
task("url host", ["https://www.example.org/path", "http://news.site.com/a/b", "https://lp.dev/",
     "http://localhost:8080/x", "https://maps.google.com/place", "http://a.b.c/d", "https://wiki.org/Main"],
     lambda s: s.split("/")[2])
task("text in brackets", ["Meeting [urgent] today", "[low] clean desk", "Call Bob [high]",
     "Fix bug [critical] now", "[medium] review", "Lunch [optional]", "Pay rent [urgent]"],
     lambda s: s.split("[")[1].split("]")[0])
task("text in parentheses", ["Paris (France)", "Lima (Peru)", "Tokyo (Japan)", "Cairo (Egypt)",
     "Oslo (Norway)", "Quito (Ecuador)", "Rome (Italy)"], lambda s: s.split("(")[1].rstrip(")"))
task("city before parentheses", ["Paris (France)", "Lima (Peru)", "Tokyo (Japan)", "Cairo (Egypt)",
     "Oslo (Norway)", "Quito (Ecuador)", "Rome (Italy)"], lambda s: s.split(" (")[0])
task("major version", ["v2.13.4", "v10.0.1", "v1.2.3", "v0.9.12", "v3.3.3", "v21.4.0", "v7.0.0"],
     lambda s: s[1:].split(".")[0])
task("price digits", ["$1,234", "$99", "$12,500", "$7", "$1,000,000", "$45,999", "$310"],
     lambda s: s[1:].replace(",", ""))
task("upper case code", ["ab12cd", "xk9", "promo2024", "a1b2c3", "zz top", "sale", "q4 report"],
     lambda s: s.upper())
task("proper case two words", ["jOHN smith", "ada LOVELACE", "bo li", "GRACE hopper", "alan tUring",
     "andrew ng", "EVE adams"], lambda s: " ".join(w.capitalize() for w in words(s)))
task("trim spaces", ["  hello ", "world  ", " a b ", "x", "   padded   ", " lead", "trail  "],
     lambda s: s.strip())
task("remove spaces", ["ab 12 cd", "New York City", "a b c", "12 34", "no spaces", "x y", "q w e r t y"],
     lambda s: s.replace(" ", ""))
task("spaces to slashes", ["2024 03 15", "a b c", "home user docs", "x y", "1 2 3 4", "red green", "up down"],
     lambda s: s.replace(" ", "/"))
task("wrap in brackets", ["abc", "hello world", "x", "42", "two words", "Z", "end"], lambda s: "[" + s + "]")
task("greeting", ["alice", "bob", "carol", "dan", "erin", "frank", "gus"], lambda s: "Hello, " + s.capitalize() + "!")
task("username after at", ["@jack: hello", "@ada: hi", "@bo: ok", "@grace99: on my way", "@x: y",
     "@turing: tea?", "@ng: done"], lambda s: s[1:].split(":")[0])
task("middle initial", ["John Fitzgerald Kennedy", "Ada King Lovelace", "George Walker Bush",
     "Mary Ann Evans", "Martin Luther King", "Edgar Allan Poe", "Harry Shippe Truman"],
     lambda s: words(s)[0] + " " + words(s)[1][0] + ". " + words(s)[2])
task("zip code of an address", ["12 Main St, Springfield, IL 62704", "9 Elm Rd, Salem, OR 97301",
     "100 Oak Ave, Austin, TX 73301", "5 Pine Ln, Dover, DE 19901", "77 Bay St, Miami, FL 33101",
     "3 Hill Ct, Boise, ID 83702", "8 Lake Dr, Provo, UT 84601"], lambda s: words(s)[-1])
task("city of an address", ["12 Main St, Springfield, IL 62704", "9 Elm Rd, Salem, OR 97301",
     "100 Oak Ave, Austin, TX 73301", "5 Pine Ln, Dover, DE 19901", "77 Bay St, Miami, FL 33101",
     "3 Hill Ct, Boise, ID 83702", "8 Lake Dr, Provo, UT 84601"], lambda s: s.split(", ")[1])
task("state of an address", ["12 Main St, Springfield, IL 62704", "9 Elm Rd, Salem, OR 97301",
     "100 Oak Ave, Austin, TX 73301", "5 Pine Ln, Dover, DE 19901", "77 Bay St, Miami, FL 33101",
     "3 Hill Ct, Boise, ID 83702", "8 Lake Dr, Provo, UT 84601"], lambda s: s.split(", ")[2].split()[0])
task("amount with unit", ["Weight: 12kg", "Weight: 3kg", "Weight: 150kg", "Weight: 7kg", "Weight: 60kg",
     "Weight: 1kg", "Weight: 25kg"], lambda s: s.split(": ")[1][:-2] + " kg")
task("percent to number", ["45%", "100%", "7%", "12.5%", "0%", "99%", "3.75%"], lambda s: s[:-1])
# Need a conditional or arithmetic: not expressible in the DSL.
task("zero-pad a day (conditional)", ["5", "12", "9", "1", "31", "7", "20"], lambda s: s.zfill(2),
     expressible=False)
task("yes/no from true/false (conditional)", ["true", "false", "true", "false", "true", "true", "false"],
     lambda s: "Yes" if s == "true" else "No", expressible=False)


def check(s, where):
    bad = sorted(set(s) - ALPHABET)
    if bad or not s or len(s) > 100:
        sys.exit(f"{where}: {s!r} is empty, too long or has characters outside the DSL alphabet: {bad}")


for i, (name, inputs, fn, expressible) in enumerate(TASKS):
    if len(inputs) != 7:
        sys.exit(f"{name}: 7 inputs wanted, got {len(inputs)}")
    outputs = [fn(s) for s in inputs]
    for s in inputs + outputs:
        check(s, name)
    print(json.dumps({"index": i, "name": name, "expressible": expressible,
                      "inputs": inputs[:3], "outputs": outputs[:3],
                      "hidden_inputs": inputs[3:], "hidden_outputs": outputs[3:]}))
