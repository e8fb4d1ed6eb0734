package dev.lp.app.bench;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.lp.app.bench.FuzzRecords.Kind;
import dev.lp.protocol.SynthesisRequest;
import dev.lp.protocol.Topics;
import java.util.EnumSet;
import java.util.HashSet;
import org.junit.jupiter.api.Test;

class FuzzRecordsTest {

  @Test
  void aSeedGivesTheSameRecordsEveryKindAndUniqueKeys() {
    var a = new FuzzRecords(7, "f");
    var b = new FuzzRecords(7, "f");
    var kinds = EnumSet.noneOf(Kind.class);
    var keys = new HashSet<String>();
    for (int i = 0; i < 500; i++) {
      var x = a.next();
      var y = b.next();
      assertEquals(x.key(), y.key());
      assertEquals(x.kind(), y.kind());
      if (x.kind() == Kind.RANDOM_BYTES) {
        assertArrayEquals(x.value(), y.value(), x.key());
      } else {
        // the rest carry sent_at_ms from the clock: the same shape, not the same bytes
        assertEquals(x.value().length, y.value().length, x.key());
      }
      assertTrue(x.value() == null || x.value().length < 950 * 1024, "under the broker's 1 MB record limit");
      assertTrue(keys.add(x.key()), "unique key " + x.key());
      kinds.add(x.kind());
    }
    assertEquals(EnumSet.allOf(Kind.class), kinds);
  }

  @Test
  void theMutationsDoWhatTheirNamesSay() throws Exception {
    var g = new FuzzRecords(11, "m");
    var valid = SynthesisRequest.parseFrom(g.next(Kind.VALID).value());
    assertEquals("m-0", valid.getRequestId());
    assertEquals(Topics.PROTOCOL_VERSION, valid.getProtocolVersion());
    assertTrue(valid.getExamplesCount() > 0);
    assertNotEquals(Topics.PROTOCOL_VERSION, SynthesisRequest.parseFrom(g.next(Kind.WRONG_VERSION).value())
        .getProtocolVersion());
    for (int i = 0; i < 20; i++) {
      byte[] bad = g.next(Kind.BAD_UTF8).value();
      assertThrows(InvalidProtocolBufferException.class, () -> SynthesisRequest.parseFrom(bad),
          "proto3 refuses invalid UTF-8 in a string field");
    }
  }
}
