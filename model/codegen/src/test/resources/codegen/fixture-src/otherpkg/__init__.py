"""A second package, counted on its own in the manifest."""


def square(x):
    """Return the square of x."""
    return x * x
