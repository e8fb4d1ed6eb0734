"""Number helpers."""


def mean(values):
    """Return the arithmetic mean of the values."""
    total = sum(values)
    return total / len(values)


def clamp(value, low, high):
    """Limit the value to the range from low to high."""
    return max(low, min(high, value))


def is_even(n):
    """Return True if n is even."""
    return n % 2 == 0


def long_function(a, b, c, d, e, f, g, h):
    """A long function that the token limit drops."""
    first = a + b + c + d + e + f + g + h
    second = a * b * c * d * e * f * g * h
    third = a - b - c - d - e - f - g - h
    fourth = [a, b, c, d, e, f, g, h, first, second, third]
    fifth = {"a": a, "b": b, "c": c, "d": d, "e": e, "f": f, "g": g, "h": h}
    sixth = sorted(fourth, key=lambda item: -item if item % 2 else item)
    seventh = [value for value in sixth if value not in (first, second, third)]
    eighth = sum(fifth.values()) + sum(seventh) + len(sixth) + len(fourth)
    return first, second, third, fourth, fifth, sixth, seventh, eighth
