package dev.lp.search.vsa;

import dev.lp.dsl.Alphabet;
import dev.lp.dsl.Case;
import dev.lp.dsl.Expr;
import dev.lp.dsl.GetAll;
import dev.lp.dsl.GetFirst;
import dev.lp.dsl.GetFrom;
import dev.lp.dsl.GetToken;
import dev.lp.dsl.GetUpto;
import dev.lp.dsl.Regex;
import dev.lp.dsl.Remove;
import dev.lp.dsl.RemoveAll;
import dev.lp.dsl.Replace;
import dev.lp.dsl.Substitute;
import dev.lp.dsl.SubstituteAll;
import dev.lp.dsl.ToCase;
import dev.lp.dsl.Trim;
import dev.lp.dsl.Type;
import java.util.ArrayList;
import java.util.List;

/**
 * The argument bounds of a version space for one task's inputs: what "every expression of the DSL"
 * means there. They contain everything {@code TaskSampler} can draw for these inputs, so a sampled
 * task's own program is always inside.
 *
 * <ul>
 *   <li>Types: all 8. Indices: ±1..±5. Boundaries, cases: all.
 *   <li>Delimiters as regexes (GetSpan, GetUpto, GetFrom): those that occur in some input (others never
 *       match an input, nor most inner outputs). Replace: all 21 x 21 (the golden tasks replace
 *       delimiters no input has, an identity the version space shares at no cost).
 *   <li>SubStr positions k1, k2: each in [1-m, m], m = the shortest input's length (the sampler's range).
 *   <li>ConstStr, Substitute and SubstituteAll characters: all 83.
 *   <li>Compose(outer, inner): outer any nesting op above, inner any nesting op or SubStr/GetSpan above,
 *       with the exceptions {@link VersionSpace} lists for the four later ops.
 * </ul>
 */
final class Universe {
  final List<Regex> regexes = new ArrayList<>();
  /** Token id of each regex, parallel to {@link #regexes}. */
  final int[] regexTokens;
  final String inputDelimiters;
  final int minLength;

  Universe(List<String> inputs) {
    StringBuilder delims = new StringBuilder();
    int m = Integer.MAX_VALUE;
    for (String s : inputs) {
      m = Math.min(m, s.length());
    }
    for (char d : Alphabet.DELIMITERS.toCharArray()) {
      for (String s : inputs) {
        if (s.indexOf(d) >= 0) {
          delims.append(d);
          break;
        }
      }
    }
    inputDelimiters = delims.toString();
    minLength = Math.min(m, 100); // SubStr positions have tokens -100..100 only
    for (Type t : Type.values()) {
      regexes.add(Regex.of(t));
    }
    for (char d : inputDelimiters.toCharArray()) {
      regexes.add(Regex.of(d));
    }
    regexTokens = new int[regexes.size()];
    for (int r = 0; r < regexTokens.length; r++) {
      regexTokens[r] = regexes.get(r) instanceof Regex.OfType t ? dev.lp.dsl.Tokens.typeId(t.type())
          : dev.lp.dsl.Tokens.charId(((Regex.OfDelimiter) regexes.get(r)).delimiter());
    }
  }

  static final int[] INDICES = {-5, -4, -3, -2, -1, 1, 2, 3, 4, 5};

  /**
   * The nesting ops that read types, regexes, cases and delimiters only (no Substitute/Remove family):
   * GetToken, ToCase, Replace, Trim, GetUpto, GetFrom, GetFirst, GetAll, in that order.
   */
  List<Expr> basicNesting() {
    List<Expr> out = new ArrayList<>();
    for (Type t : Type.values()) {
      for (int i : INDICES) {
        out.add(new GetToken(t, i));
      }
    }
    for (Case c : Case.values()) {
      out.add(new ToCase(c));
    }
    for (char d1 : Alphabet.DELIMITERS.toCharArray()) {
      for (char d2 : Alphabet.DELIMITERS.toCharArray()) {
        out.add(new Replace(d1, d2));
      }
    }
    out.add(new Trim());
    for (Regex r : regexes) {
      out.add(new GetUpto(r));
    }
    for (Regex r : regexes) {
      out.add(new GetFrom(r));
    }
    for (Type t : Type.values()) {
      for (int i : INDICES) {
        out.add(new GetFirst(t, i));
      }
    }
    for (Type t : Type.values()) {
      out.add(new GetAll(t));
    }
    return out;
  }

  /** Remove(t,i), RemoveAll(t), Substitute(t,i,c), SubstituteAll(t,c) over all arguments. */
  static List<Expr> laterNesting() {
    List<Expr> out = new ArrayList<>();
    for (Type t : Type.values()) {
      for (int i : INDICES) {
        out.add(new Remove(t, i));
      }
      out.add(new RemoveAll(t));
      for (char c : Alphabet.CHARACTERS.toCharArray()) {
        for (int i : INDICES) {
          out.add(new Substitute(t, i, c));
        }
        out.add(new SubstituteAll(t, c));
      }
    }
    return out;
  }
}
