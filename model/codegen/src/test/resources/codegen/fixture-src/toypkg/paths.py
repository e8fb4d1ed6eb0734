"""Path helpers."""
import os


def extension(path):
    """Return the extension of a file name."""
    root, ext = os.path.splitext(path)
    return ext


def read_file(fname):
    """Read a python file."""
    with open(fname) as f:
        return f.read()


def total_seconds(delta):
    """Takes a timedelta and returns the total number of seconds."""
    return delta.days * 86400 + delta.seconds
