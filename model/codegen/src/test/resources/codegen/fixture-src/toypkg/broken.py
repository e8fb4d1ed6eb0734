"""Python 2 code: does not parse under Python 3, reported and skipped."""


def hello():
    """Say hello."""
    print "hello"
