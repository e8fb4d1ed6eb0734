package dev.lp.nn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** bf32 matmuls: the CPU check, the parsing, and libtorch's own setting set and read back through JNA. */
class MatmulPrecisionTest {

  @Test
  void amxIsReadFromTheFlagsLine() {
    assertTrue(MatmulPrecision.hasAmx(List.of("processor\t: 0", "flags\t\t: fpu avx512f amx_bf16 avx512_fp16 amx_tile amx_int8")));
    assertFalse(MatmulPrecision.hasAmx(List.of("flags\t\t: fpu avx512f avx512_bf16")), "AMD Zen 4: bf16 vectors, no AMX");
    assertFalse(MatmulPrecision.hasAmx(List.of("flags\t\t: fpu amx_tile")), "tiles without bf16");
    assertFalse(MatmulPrecision.hasAmx(List.of("model name\t: something")));
  }

  @Test
  void parsesItsNamesAndAuto() {
    assertEquals(MatmulPrecision.BF32, MatmulPrecision.parse("bf32"));
    assertEquals(MatmulPrecision.FP32, MatmulPrecision.parse(" FP32 "));
    assertEquals(MatmulPrecision.cpuHasAmx() ? MatmulPrecision.BF32 : MatmulPrecision.FP32, MatmulPrecision.parse("auto"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MatmulPrecision.parse("fp16"));
    assertTrue(e.getMessage().contains("bf32, fp32 or auto"), e.getMessage());
  }

  /** Runs on any x86 CPU: libtorch keeps the setting whether or not oneDNN has AMX kernels to use it. */
  @Test
  void setsLibtorchsPrecisionAndReadsItBack() {
    try {
      String bf = MatmulPrecision.BF32.apply();
      assertTrue(bf.startsWith("matmul precision bf32"), bf);
      assertTrue(bf.contains(MatmulPrecision.FPMATH_ENV), bf);
    } finally {
      assertEquals("matmul precision fp32", MatmulPrecision.FP32.apply());
    }
  }
}
