"""String helpers: the functions the extraction tests look at."""
import os


def split(s, sep=None, maxsplit=-1):
    """Return a list of the words in the string s.

    A second paragraph that is not part of the summary.
    """
    return s.split(sep, maxsplit)


def getenv(key, default=None):
    """Get an environment variable."""
    return os.environ.get(key, default)


@staticmethod
def count_words(text):
    """Count the words   in
    a text."""
    # a comment the extraction drops
    words = text.split()
    total = len(words)
    return total


def no_docstring(x):
    return x + 1


def stub(x):
    """A stub with no implementation."""
    pass


def not_implemented(x):
    """Another stub."""
    raise NotImplementedError("later")


def first_line(path, encoding="utf-8", *rest, strip=True, **options):
    """Read the first line of a file."""
    with open(path, encoding=encoding) as handle:
        line = handle.readline()
    if strip:
        line = line.strip()
    try:
        number = int(line)
    except ValueError as error:
        number = None
    for index, char in enumerate(line):
        if (found := char) == "#":
            return found, index
    return line, number


COUNTER = 0


def bump():
    """Add one to the module counter."""
    global COUNTER
    previous = COUNTER
    COUNTER = previous + 1
    return COUNTER


class Greeter:
    """Greets people."""

    def __init__(self, name):
        """Make a greeter for a name."""
        self.name = name

    def greet(self, greeting="Hello"):
        """Return a greeting for the name."""
        message = greeting + ", " + self.name
        return message

    def shout(self):
        """Shout the greeting.

        The nested helper's docstring is removed too.
        """

        def upper(text):
            """Make text upper case."""
            result = text.upper()
            return result

        return upper(self.greet())


def counter(start):
    """Make a counter that starts at start."""
    value = start

    def step():
        """Advance the counter by one."""
        nonlocal value
        value += 1
        return value

    return step


def symbols_only(x):
    """>>> ... <<<"""
    return x * 2
