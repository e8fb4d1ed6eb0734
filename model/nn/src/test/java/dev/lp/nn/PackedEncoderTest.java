package dev.lp.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.pytorch.jni.JniUtils;
import dev.lp.dsl.Alphabet;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The I/O encoder runs on packed tokens: a padded batch must encode every string exactly as that
 * string encoded alone (no padding at all), and leave zeros at the pads.
 */
class PackedEncoderTest {
  static final List<String> INPUTS = List.of("Hello World 42", "abc, def", "X.Men: 1999 (remastered)", "q",
      "  spaces  ", "1,2,3");
  static final List<String> OUTPUTS = List.of("HW42", "ad", "XM", "Q and a longer output than its input", "s", "123");

  @ParameterizedTest
  @ValueSource(ints = {1, 3})
  void paddedBatchEncodesEachTaskAsItsStringsWouldAlone(int buckets) {
    try (NDManager m = NDManager.newBaseManager()) {
      JniUtils.setGradMode(false);
      Net net = new Net(ModelConfig.tiny("baseline"), new Params(m.newSubManager(), 7));
      // 6 rows as 3 tasks of 2 examples ("concat"): memory per task, its outputs' tokens in a row
      Net.Memory batch = encodeBatch(net, m, 2, buckets);
      int width = 0;
      for (int task = 0; task < 3; task++) {
        width = Math.max(width, OUTPUTS.get(2 * task).length() + OUTPUTS.get(2 * task + 1).length());
      }
      assertEquals(new Shape(3, width, net.d), batch.mem().getShape());
      for (int task = 0; task < 3; task++) {
        float[] expected = concat(encodeAlone(net, m, 2 * task), encodeAlone(net, m, 2 * task + 1));
        float[] actual = batch.mem().get(task).reshape(-1).toFloatArray();
        assertArrayEquals(expected, Arrays.copyOf(actual, expected.length), 1e-5f, "task " + task);
        assertArrayEquals(new float[actual.length - expected.length],
            Arrays.copyOfRange(actual, expected.length, actual.length), "pads of task " + task);
        float[] mask = batch.mask().get(task).reshape(-1).toFloatArray();
        for (int k = 0; k < width; k++) {
          assertEquals(k < expected.length / net.d ? 0f : Net.NEG, mask[k], "mask of task " + task + " at " + k);
        }
      }
    }
  }

  @Test
  void maxPoolMemoryKeepsOneRowPerExample() {
    try (NDManager m = NDManager.newBaseManager()) {
      JniUtils.setGradMode(false);
      Net net = new Net(ModelConfig.tiny("baseline").withIoPooling("maxpool"), new Params(m.newSubManager(), 7));
      Net.Memory batch = encodeBatch(net, m, 2, 3);
      int tout = OUTPUTS.stream().mapToInt(String::length).max().orElseThrow();
      assertEquals(new Shape(INPUTS.size(), tout, net.d), batch.mem().getShape());
      for (int r = 0; r < INPUTS.size(); r++) {
        float[] expected = encodeAlone(net, m, r);
        float[] actual = batch.mem().get(r).reshape(-1).toFloatArray();
        assertArrayEquals(expected, Arrays.copyOf(actual, expected.length), 1e-5f, "row " + r);
        assertArrayEquals(new float[actual.length - expected.length],
            Arrays.copyOfRange(actual, expected.length, actual.length), "pads of row " + r);
      }
    }
  }

  private static Net.Memory encodeBatch(Net net, NDManager m, int examples, int buckets) {
    int tin = INPUTS.stream().mapToInt(String::length).max().orElseThrow();
    int tout = OUTPUTS.stream().mapToInt(String::length).max().orElseThrow();
    return net.encodeIo(m.create(ids(INPUTS, tin), new Shape(INPUTS.size(), tin)),
        m.create(ids(OUTPUTS, tout), new Shape(OUTPUTS.size(), tout)), examples, false, buckets);
  }

  /** Row r's output encoding with its input and output as the whole batch (no padding at all). */
  private static float[] encodeAlone(Net net, NDManager m, int r) {
    String in = INPUTS.get(r);
    String out = OUTPUTS.get(r);
    return net.encodeIo(m.create(ids(List.of(in), in.length()), new Shape(1, in.length())),
        m.create(ids(List.of(out), out.length()), new Shape(1, out.length())), 1, false, 1).mem().reshape(-1)
        .toFloatArray();
  }

  private static float[] concat(float[] a, float[] b) {
    float[] r = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }

  @Test
  void emptyStringsEncodeToFiniteMemory() {
    try (NDManager m = NDManager.newBaseManager()) {
      JniUtils.setGradMode(false);
      Net net = new Net(ModelConfig.tiny("baseline"), new Params(m.newSubManager(), 7));
      // some empty strings, then nothing but empty strings (no real token at all)
      NDArray some = net.encodeIo(m.create(ids(List.of("", "ab"), 2), new Shape(2, 2)),
          m.create(ids(List.of("x", ""), 1), new Shape(2, 1)), 2, false, 2).mem();
      NDArray none = net.encodeIo(m.create(new int[1], new Shape(1, 1)), m.create(new int[1], new Shape(1, 1)), 1,
          false, 1).mem();
      assertEquals(new Shape(1, 1, net.d), some.getShape());
      assertEquals(new Shape(1, 1, net.d), none.getShape());
      for (float v : some.toFloatArray()) {
        assertTrue(Float.isFinite(v));
      }
      assertArrayEquals(new float[net.d], none.toFloatArray());
    }
  }

  @Test
  void packingOrdersTokensBucketByBucketAndLaysEachBucketOutToItsLongestRow() {
    // rows of lengths 2, 1, 3, 0 (4 ids wide)
    int[] ids = {5, 6, 0, 0, 7, 0, 0, 0, 8, 9, 10, 0, 0, 0, 0, 0};
    Packing p = Packing.of(ids, 4, 4, 2);
    assertEquals(6, p.count);
    // by length: row 3 (0), row 1 (1) | row 0 (2), row 2 (3)
    assertArrayEquals(new int[] {3, 1}, p.buckets.get(0).rows());
    assertArrayEquals(new int[] {0, 2}, p.buckets.get(1).rows());
    assertArrayEquals(new long[] {4, 0, 1, 8, 9, 10}, p.source);
    assertArrayEquals(new long[] {0, 0, 1, 0, 1, 2}, p.positions);
    assertArrayEquals(new long[] {1, 2, 6, 6, 0, 6, 6, 6, 3, 4, 5, 6, 6, 6, 6, 6}, p.restore);
    Packing.Layout short2 = p.buckets.get(0);
    assertEquals(1, short2.len());
    assertArrayEquals(new long[] {6, 0}, short2.scatter());
    assertArrayEquals(new long[] {1}, short2.valid());
    assertArrayEquals(new float[] {Net.NEG, 0f}, short2.mask());
    Packing.Layout long2 = p.buckets.get(1);
    assertEquals(3, long2.len());
    assertArrayEquals(new long[] {1, 2, 6, 3, 4, 5}, long2.scatter());
    assertArrayEquals(new long[] {0, 1, 3, 4, 5}, long2.valid());
    // another packing's rows (cross-attention), in the order given
    Packing.Layout cross = p.layout(new int[] {2, 1});
    assertEquals(3, cross.len());
    assertArrayEquals(new long[] {3, 4, 5, 0, 6, 6}, cross.scatter());
    // tasks of 2 rows each, their tokens concatenated: rows 0+1 (2+1 tokens), rows 2+3 (3+0)
    Packing.Layout tasks = p.concatenated(2);
    assertEquals(3, tasks.len());
    assertArrayEquals(new long[] {1, 2, 0, 3, 4, 5}, tasks.scatter());
    assertArrayEquals(new float[6], tasks.mask());
  }

  @Test
  void packingRefusesTokensAfterPadding() {
    assertThrows(IllegalArgumentException.class, () -> Packing.of(new int[] {5, 0, 6}, 1, 3, 1));
  }

  private static int[] ids(List<String> strings, int width) {
    int[] flat = new int[strings.size() * width];
    for (int i = 0; i < strings.size(); i++) {
      int[] row = Alphabet.encodeIo(strings.get(i));
      System.arraycopy(row, 0, flat, i * width, row.length);
    }
    return flat;
  }
}
