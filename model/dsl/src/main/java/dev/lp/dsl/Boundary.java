package dev.lp.dsl;

/** Which end of a regex match GetSpan uses, in token order. */
public enum Boundary { START, END }
