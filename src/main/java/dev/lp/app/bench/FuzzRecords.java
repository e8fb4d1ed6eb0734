package dev.lp.app.bench;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedOutputStream;
import dev.lp.app.common.DemoTasks;
import dev.lp.app.kafka.SynthesisClient;
import dev.lp.data.SamplerConfig;
import dev.lp.data.TaskSampler;
import dev.lp.dsl.Task;
import dev.lp.protocol.Example;
import dev.lp.protocol.SynthesisRequest;
import dev.lp.protocol.Topics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Records for fuzzing a worker through the broker: random bytes, and valid requests mutated
 * (truncated, bit-flipped, oversized, a wrong protocol version, invalid UTF-8 in a string field,
 * odd field values, concatenated), plus unmodified valid ones. Deterministic for a seed. Every
 * record's key is its own ASCII id ({@code prefix-N}), so its answer can be told from the others';
 * a mutated request_id then differs from the key, which the worker must refuse under the key.
 */
public final class FuzzRecords {

  /** How a record was made. */
  public enum Kind {
    VALID("valid request, unmodified"),
    RANDOM_BYTES("random bytes, 0..4,096 long"),
    TRUNCATED("valid request cut at a random byte"),
    BIT_FLIPPED("valid request with 1..8 bits flipped"),
    OVERSIZED("oversized: a string of 1,000..100,000 characters, 11..5,000 examples, or 64..900 KB of random bytes"),
    WRONG_VERSION("valid request with protocol_version other than " + Topics.PROTOCOL_VERSION),
    BAD_UTF8("valid request with invalid UTF-8 in a string field"),
    ODD_FIELDS("valid structure, odd values: options out of range, unknown enum numbers, control characters, "
        + "emoji, empty or blank strings, clashing examples, sent_at_ms far off, a request_id unlike the key"),
    SPLICED("two requests concatenated, or a request followed by random bytes");

    public final String description;

    Kind(String description) {
      this.description = description;
    }
  }

  /** One record: its key (and id), how it was made, and its value (null = a record without value). */
  public record FuzzRecord(String key, Kind kind, byte[] value) {}

  private final Random random;
  private final String prefix;
  private record Io(List<String> inputs, List<String> outputs) {}

  private final List<Io> tasks = new ArrayList<>();
  private int next;

  public FuzzRecords(long seed, String prefix) {
    this.random = new Random(seed);
    this.prefix = prefix;
    DemoTasks.all().forEach(t -> tasks.add(new Io(t.inputs(), t.outputs())));
    var sampler = new TaskSampler(SamplerConfig.paper());
    for (int i = 0; i < 64; i++) {
      Task t = sampler.sample(seed, i);
      tasks.add(new Io(t.inputs(), t.outputs()));
    }
  }

  /** The next record; kinds drawn uniformly. */
  public FuzzRecord next() {
    Kind kind = Kind.values()[random.nextInt(Kind.values().length)];
    return next(kind);
  }

  /** The next record, of {@code kind}. */
  public FuzzRecord next(Kind kind) {
    String key = prefix + "-" + next++;
    return new FuzzRecord(key, kind, value(key, kind));
  }

  /** A valid request answerable by a worker: one of the tasks, a short deadline from now. */
  public SynthesisRequest valid(String id) {
    Io t = tasks.get(random.nextInt(tasks.size()));
    var r = SynthesisClient.request(id, t.inputs(), t.outputs()).setSentAtMs(System.currentTimeMillis());
    r.getOptionsBuilder().setDeadlineMs(1000 + random.nextInt(2000));
    if (random.nextBoolean()) {
      r.getOptionsBuilder().setBeamSize(1 + random.nextInt(10));
    }
    return r.build();
  }

  private byte[] value(String key, Kind kind) {
    byte[] valid = valid(key).toByteArray();
    return switch (kind) {
      case VALID -> valid;
      case RANDOM_BYTES -> random.nextInt(50) == 0 ? null : bytes(random.nextInt(4097));
      case TRUNCATED -> Arrays.copyOf(valid, random.nextInt(valid.length));
      case BIT_FLIPPED -> {
        byte[] b = valid.clone();
        for (int i = 0, n = 1 + random.nextInt(8); i < n; i++) {
          int bit = random.nextInt(b.length * 8);
          b[bit / 8] ^= (byte) (1 << (bit % 8));
        }
        yield b;
      }
      case OVERSIZED -> oversized(key);
      case WRONG_VERSION -> {
        int[] versions = {0, 2, 3, -1, Integer.MAX_VALUE, Integer.MIN_VALUE, 1 + random.nextInt(1000)};
        int v = versions[random.nextInt(versions.length)];
        yield SynthesisRequest.newBuilder(valid(key)).setProtocolVersion(v == 1 ? 2 : v).build().toByteArray();
      }
      case BAD_UTF8 -> badUtf8(key);
      case ODD_FIELDS -> oddFields(key).toByteArray();
      case SPLICED -> {
        byte[] second = random.nextBoolean() ? valid(key).toByteArray() : bytes(1 + random.nextInt(64));
        byte[] b = Arrays.copyOf(valid, valid.length + second.length);
        System.arraycopy(second, 0, b, valid.length, second.length);
        yield b;
      }
    };
  }

  private byte[] bytes(int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }

  private byte[] oversized(String key) {
    var r = valid(key).toBuilder();
    switch (random.nextInt(3)) {
      case 0 -> {
        String big = "a".repeat(1000 + random.nextInt(99_001));
        r.addExamples(random.nextBoolean() ? Example.newBuilder().setInput(big).setOutput("x")
            : Example.newBuilder().setInput("x").setOutput(big));
      }
      case 1 -> {
        for (int i = 0, n = 11 + random.nextInt(4990); i < n; i++) {
          r.addExamples(Example.newBuilder().setInput("in " + i).setOutput("out " + i));
        }
      }
      default -> {
        return bytes(64 * 1024 + random.nextInt(836 * 1024));
      }
    }
    return r.build().toByteArray();
  }

  /** The request encoded by hand, one string field's bytes replaced by invalid UTF-8. */
  private byte[] badUtf8(String key) {
    SynthesisRequest v = valid(key);
    byte[][] bad = {{(byte) 0xC3, 0x28}, {(byte) 0xFF}, {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
        {(byte) 0xF0, (byte) 0x28, (byte) 0x8C, (byte) 0x28}, {(byte) 0xC0, (byte) 0xAF}, {'a', (byte) 0x80, 'b'}};
    byte[] junk = bad[random.nextInt(bad.length)];
    int target = random.nextInt(3); // 0: request_id, 1: an example input, 2: an example output
    int which = random.nextInt(v.getExamplesCount());
    var buffer = new ByteArrayOutputStream();
    try {
      var out = CodedOutputStream.newInstance(buffer);
      out.writeInt32(1, v.getProtocolVersion());
      out.writeBytes(2, target == 0 ? ByteString.copyFrom(concat(key.getBytes(StandardCharsets.UTF_8), junk))
          : ByteString.copyFromUtf8(key));
      for (int i = 0; i < v.getExamplesCount(); i++) {
        var e = v.getExamples(i);
        var ex = new ByteArrayOutputStream();
        var exOut = CodedOutputStream.newInstance(ex);
        byte[] in = e.getInput().getBytes(StandardCharsets.UTF_8);
        byte[] outText = e.getOutput().getBytes(StandardCharsets.UTF_8);
        exOut.writeBytes(1, ByteString.copyFrom(target == 1 && i == which ? concat(in, junk) : in));
        exOut.writeBytes(2, ByteString.copyFrom(target == 2 && i == which ? concat(outText, junk) : outText));
        exOut.flush();
        out.writeBytes(3, ByteString.copyFrom(ex.toByteArray()));
      }
      out.writeMessage(4, v.getOptions());
      out.writeInt64(5, v.getSentAtMs());
      out.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return buffer.toByteArray();
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] c = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }

  private static final String[] ODD_TEXT = {"", " ", "\u0000", "a\u0000b", "\t\n\r", "\u001b[31mred", "caf\u00e9",
      "\uD83D\uDE00", "\uD83D\uDE00\uD83D\uDE00x", "\u202Eevil", "\uFEFF", "Ω≈ç√", "x".repeat(100), "x".repeat(101),
      "'; DROP TABLE", "%s%n%x", "${jndi:ldap://x}", "\\", "\"quoted\"", "=>", "a=>b=>c"};

  private SynthesisRequest oddFields(String key) {
    var r = valid(key).toBuilder();
    var o = r.getOptionsBuilder();
    switch (random.nextInt(12)) {
      case 0 -> o.setBeamSize(pick(0, -1, 101, 1000, Integer.MAX_VALUE, Integer.MIN_VALUE, 100, 1));
      case 1 -> o.setLatentBeams(pick(-1, 0, 11, 1000, Integer.MAX_VALUE, 10)).setBeamSize(pick(0, 1, 10, 100));
      case 2 -> o.setDeadlineMs(pickLong(-1, 0, 1, 60_000, 60_001, Long.MAX_VALUE, Long.MIN_VALUE));
      case 3 -> o.setMaxPrograms(pick(-1, 0, 1, 1000, Integer.MAX_VALUE, Integer.MIN_VALUE));
      case 4 -> o.setGuidanceValue(pick(4, 99, -1, Integer.MAX_VALUE)).setRankingValue(pick(0, 3, -7, 1 << 20));
      case 5 -> o.setStreamCandidates(true).setMaxPrograms(pick(0, 5, 50));
      case 6 -> r.setSentAtMs(pickLong(-1, 1, Long.MAX_VALUE, Long.MIN_VALUE, System.currentTimeMillis() + 86_400_000L,
          System.currentTimeMillis() - 86_400_000L));
      case 7 -> r.setExamples(random.nextInt(r.getExamplesCount()), Example.newBuilder()
          .setInput(ODD_TEXT[random.nextInt(ODD_TEXT.length)]).setOutput(ODD_TEXT[random.nextInt(ODD_TEXT.length)]));
      case 8 -> {
        var first = r.getExamples(0);
        r.addExamples(Example.newBuilder().setInput(first.getInput()).setOutput(first.getOutput() + "x"));
      }
      case 9 -> r.clearExamples();
      case 10 -> r.setRequestId(pickText(ODD_TEXT[random.nextInt(ODD_TEXT.length)], key + " ", key.toUpperCase(),
          "other-" + key, ""));
      default -> r.setProtocolVersion(Topics.PROTOCOL_VERSION).setRequestId(key).clearOptions();
    }
    return r.build();
  }

  private int pick(int... values) {
    return values[random.nextInt(values.length)];
  }

  private long pickLong(long... values) {
    return values[random.nextInt(values.length)];
  }

  private String pickText(String... values) {
    return values[random.nextInt(values.length)];
  }
}
