package dev.lp.dsl;

/** ToCase targets, in token order: PROPER is Python str.capitalize, then upper and lower. */
public enum Case { PROPER, ALL_CAPS, LOWER }
