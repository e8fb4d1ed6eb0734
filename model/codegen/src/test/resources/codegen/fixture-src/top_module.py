"""A module at the top of the source folder: counted under the folder's name."""


def greet(name):
    """Say hello to a name."""
    return "Hello, " + name
