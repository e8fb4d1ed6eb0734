"""Tests are left out of the corpus by default."""


def test_split():
    """Check that split splits."""
    assert "a b".split() == ["a", "b"]
