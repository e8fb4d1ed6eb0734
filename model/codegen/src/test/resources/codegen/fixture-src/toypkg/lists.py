"""List helpers."""


def flatten(lists):
    """Flatten a list of lists into one list."""
    out = []
    for items in lists:
        out.extend(items)
    return out


def unique(items):
    """Return the items without repeats, in their first order."""
    seen = set()
    out = []
    for item in items:
        if item not in seen:
            seen.add(item)
            out.append(item)
    return out


def chunks(items, size):
    """Cut a list into chunks of the given size."""
    return [items[i:i + size] for i in range(0, len(items), size)]
