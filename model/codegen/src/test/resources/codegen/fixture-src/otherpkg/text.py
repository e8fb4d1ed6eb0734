"""Text helpers of the second package."""


def title(s):
    """Capitalize every word of a string."""
    return " ".join(word.capitalize() for word in s.split())


def reverse_words(s):
    """Reverse the order of the words in a string."""
    words = s.split()
    words.reverse()
    return " ".join(words)
