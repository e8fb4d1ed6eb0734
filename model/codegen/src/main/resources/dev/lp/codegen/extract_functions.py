"""Extracts (docstring summary, function source) pairs from Python files for `lp codegen-data`.

Python's own `ast` finds the function boundaries and docstrings (the one parser that is right
by definition for the installed sources) and does the ARG_i / VAR_i renaming.

    python3 extract_functions.py < FILES      one path per line (UTF-8) on standard input

Writes one JSON object per line on standard output:
  {"file", "name", "line", "doc", "code", "renamed"}  a function (or method) with a docstring
  {"file", "error"}                                   a file that does not read or parse

doc      the docstring's summary: its first paragraph, whitespace collapsed to single spaces
code     the function as ast.unparse writes it, without decorators, comments or docstrings
         (its own and those of functions and classes nested in it)
renamed  code with the i-th argument renamed ARG_i and the i-th assigned local variable VAR_i
         (i from 0, in source order); only for the program encoder, it need not run
Functions whose body is nothing but the docstring, `pass`, `...` or `raise NotImplementedError`
(stubs) are left out: they pair a docstring with no implementation.
"""
import ast
import copy
import json
import sys
import tokenize

FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
SCOPES = FUNCTIONS + (ast.ClassDef, ast.Lambda)


def summary(doc):
    lines = []
    for line in doc.strip().splitlines():
        if not line.strip():
            break
        lines.append(line.strip())
    return " ".join(" ".join(lines).split())


def has_docstring(node):
    body = node.body
    return (body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant)
            and isinstance(body[0].value.value, str))


def strip_docstrings(node):
    """Removes the docstring of node and of every function and class inside it."""
    for n in ast.walk(node):
        if isinstance(n, FUNCTIONS + (ast.ClassDef,)) and has_docstring(n):
            n.body = n.body[1:] or [ast.Pass()]


def is_stub(body):
    if len(body) != 1:
        return False
    s = body[0]
    if isinstance(s, ast.Pass):
        return True
    if isinstance(s, ast.Expr) and isinstance(s.value, ast.Constant) and s.value.value is Ellipsis:
        return True
    if isinstance(s, ast.Raise) and s.exc is not None:
        e = s.exc.func if isinstance(s.exc, ast.Call) else s.exc
        return isinstance(e, ast.Name) and e.id == "NotImplementedError"
    return False


def own_scope(node):
    """The nodes of node's body, not descending into nested functions, classes or lambdas."""
    todo = list(ast.iter_child_nodes(node))
    while todo:
        n = todo.pop()
        yield n
        if not isinstance(n, SCOPES):
            todo.extend(ast.iter_child_nodes(n))


def arguments(fn):
    a = fn.args
    names = [x.arg for x in a.posonlyargs + a.args]
    if a.vararg:
        names.append(a.vararg.arg)
    names += [x.arg for x in a.kwonlyargs]
    if a.kwarg:
        names.append(a.kwarg.arg)
    return names


def local_variables(fn, args):
    """Names bound by assignment in fn's own scope, in source order of their first binding."""
    declared = set()
    bindings = []
    for n in own_scope(fn):
        if isinstance(n, (ast.Global, ast.Nonlocal)):
            declared.update(n.names)
        elif isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store):
            bindings.append((n.lineno, n.col_offset, n.id))
        elif isinstance(n, ast.ExceptHandler) and n.name:
            bindings.append((n.lineno, n.col_offset, n.name))
    names = []
    for _, _, name in sorted(bindings):
        if name not in declared and name not in args and name not in names:
            names.append(name)
    return names


class Renamer(ast.NodeTransformer):
    """Renames every binding and use of the mapped identifiers (names, arguments, handlers)."""

    def __init__(self, mapping):
        self.mapping = mapping

    def visit_Name(self, node):
        node.id = self.mapping.get(node.id, node.id)
        return node

    def visit_arg(self, node):
        node.arg = self.mapping.get(node.arg, node.arg)
        self.generic_visit(node)
        return node

    def visit_ExceptHandler(self, node):
        if node.name:
            node.name = self.mapping.get(node.name, node.name)
        self.generic_visit(node)
        return node

    def _declaration(self, node):
        node.names = [self.mapping.get(n, n) for n in node.names]
        return node

    visit_Global = _declaration
    visit_Nonlocal = _declaration


def renamed(fn):
    args = arguments(fn)
    mapping = {name: "ARG_%d" % i for i, name in enumerate(args)}
    for i, name in enumerate(local_variables(fn, set(args))):
        mapping[name] = "VAR_%d" % i
    return ast.unparse(Renamer(mapping).visit(fn))


def functions(node, prefix=""):
    """(qualified name, node) of every function and method under node, in source order."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, FUNCTIONS):
            name = prefix + child.name
            yield name, child
            yield from functions(child, name + ".<locals>.")
        elif isinstance(child, ast.ClassDef):
            yield from functions(child, prefix + child.name + ".")
        else:
            yield from functions(child, prefix)


def extract(path, out):
    try:
        with tokenize.open(path) as f:
            source = f.read()
        tree = ast.parse(source, filename=path)
    except (SyntaxError, ValueError, UnicodeDecodeError, OSError, RecursionError, MemoryError) as e:
        out.write(json.dumps({"file": path, "error": "%s: %s" % (type(e).__name__, e)}) + "\n")
        return
    for name, fn in functions(tree):
        if not has_docstring(fn):
            continue
        doc = summary(fn.body[0].value.value)
        fn = copy.deepcopy(fn)
        fn.decorator_list = []
        strip_docstrings(fn)
        if is_stub(fn.body):
            continue
        try:
            code = ast.unparse(fn)
            code_renamed = renamed(copy.deepcopy(fn))
        except (ValueError, RecursionError) as e:
            out.write(json.dumps({"file": path, "error": "%s in %s: %s" % (type(e).__name__, name, e)}) + "\n")
            continue
        out.write(json.dumps({"file": path, "name": name, "line": fn.lineno, "doc": doc,
                              "code": code, "renamed": code_renamed}) + "\n")


def main():
    sys.setrecursionlimit(10000)
    if sys.argv[1:]:
        sys.exit("usage: extract_functions.py < FILES")
    out = sys.stdout
    for line in sys.stdin:
        path = line.rstrip("\n")
        if path:
            extract(path, out)
    out.flush()


if __name__ == "__main__":
    main()
