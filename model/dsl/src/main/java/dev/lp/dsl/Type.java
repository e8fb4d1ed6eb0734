package dev.lp.dsl;

/**
 * Regex types, in token order. Matches are leftmost and non-overlapping (Python re.findall):
 * NUMBER [0-9]+, WORD [A-Za-z]+, ALPHANUM [A-Za-z0-9]+, ALL_CAPS [A-Z]+, PROP_CASE [A-Z][a-z]+,
 * LOWER [a-z]+, DIGIT [0-9], CHAR any one character of the alphabet.
 */
public enum Type { NUMBER, WORD, ALPHANUM, ALL_CAPS, PROP_CASE, LOWER, DIGIT, CHAR }
