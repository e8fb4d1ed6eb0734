"""A tiny package for the tests of lp codegen-data."""

VERSION = "1.0"


def version():
    """Return the version string of the package."""
    return VERSION
