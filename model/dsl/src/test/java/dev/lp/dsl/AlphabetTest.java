package dev.lp.dsl;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class AlphabetTest {
  @Test
  void alphabetHasDslOrder() {
    assertEquals(83, Alphabet.CHARACTERS.length());
    assertEquals(21, Alphabet.DELIMITERS.length());
    assertEquals("&,.?!@()[]%{}/:;$#\"' ", Alphabet.DELIMITERS);
    assertTrue(Alphabet.CHARACTERS.startsWith("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789&"));
    assertEquals(84, Alphabet.IO_VOCAB);
    assertEquals(83, Alphabet.CHARACTERS.chars().distinct().count());
    for (char c : Alphabet.DELIMITERS.toCharArray()) {
      assertTrue(Alphabet.isDelimiter(c) && Alphabet.contains(c));
    }
    assertFalse(Alphabet.isDelimiter('a'));
    assertTrue(Alphabet.contains('Z'));
    assertFalse(Alphabet.contains('-'));
    assertFalse(Alphabet.contains('\u00e9'));
  }

  @Test
  void encodeDecodeIo() {
    assertArrayEquals(new int[] {1, 27, 53, 63, 83}, Alphabet.encodeIo("aA0& "));
    assertEquals("aA0& ", Alphabet.decodeIo(new int[] {1, 27, 53, 63, 83, 0, 5}));
    assertEquals("", Alphabet.decodeIo(new int[] {0, 1}));
    assertEquals(Alphabet.CHARACTERS, Alphabet.decodeIo(Alphabet.encodeIo(Alphabet.CHARACTERS)));
  }

  @Test
  void characterOutsideIsAClearError() {
    DslException e = assertThrows(DslException.class, () -> Alphabet.encodeIo("ab-c"));
    assertEquals(2, e.position());
    assertTrue(e.getMessage().contains("'-'") && e.getMessage().contains("index 2"), e.getMessage());
    DslException u = assertThrows(DslException.class, () -> Alphabet.encodeIo("\u00e9"));
    assertTrue(u.getMessage().contains("U+00E9"), u.getMessage());
    DslException d = assertThrows(DslException.class, () -> Alphabet.decodeIo(new int[] {1, 84}));
    assertEquals(1, d.position());
    assertTrue(d.getMessage().contains("84"), d.getMessage());
    assertThrows(DslException.class, () -> Alphabet.decodeIo(new int[] {-1}));
    assertThrows(DslException.class, () -> Alphabet.encodeIo(null));
    assertThrows(DslException.class, () -> Alphabet.id('-'));
    assertThrows(DslException.class, () -> Alphabet.character(0));
  }
}
