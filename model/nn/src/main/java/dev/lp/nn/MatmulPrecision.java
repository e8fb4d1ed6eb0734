package dev.lp.nn;

import ai.djl.engine.Engine;
import com.sun.jna.Function;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * The precision of float32 matrix products in libtorch: {@link #FP32} as computed, or {@link #BF32}:
 * float32 tensors whose products oneDNN computes with bfloat16 inputs and float32 accumulation, which
 * AMX units (Intel Sapphire Rapids and later) run several times faster.
 *
 * <p>DJL has no call for it, so {@link #apply} calls libtorch's own
 * {@code at::globalContext().setFloat32MatmulPrecision(...)} through JNA in the libtorch_cpu library
 * the engine has loaded (found in /proc/self/maps), and reads the setting back. oneDNN also needs
 * {@code ONEDNN_DEFAULT_FPMATH_MODE=BF16} in the environment before the JVM starts (without it a 2-D
 * Linear with bias stays float32); the {@code lp} launcher sets it for {@code lp train} on AMX CPUs.
 * Real bfloat16 tensors are not a way: DJL 0.36 has no bfloat16 case in its type conversion.
 */
public enum MatmulPrecision {
  /** Float32 products (libtorch's "highest"). */
  FP32(0),
  /** Bfloat16 inputs, float32 accumulation (libtorch's "medium"). */
  BF32(2);

  /** The oneDNN environment variable BF32 needs, and its value. */
  public static final String FPMATH_ENV = "ONEDNN_DEFAULT_FPMATH_MODE";
  public static final String FPMATH_BF16 = "BF16";

  private static final String GLOBAL_CONTEXT = "_ZN2at13globalContextEv";
  private static final String SET_PRECISION = "_ZN2at7Context25setFloat32MatmulPrecisionENS_22Float32MatmulPrecisionE";
  private static final String GET_PRECISION = "_ZNK2at7Context22float32MatmulPrecisionEv";

  /** at::Float32MatmulPrecision's value: HIGHEST 0, HIGH 1, MEDIUM 2. */
  private final int torchValue;

  MatmulPrecision(int torchValue) {
    this.torchValue = torchValue;
  }

  /** The command-line name (lower case). */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses bf32, fp32 or auto (bf32 where {@link #cpuHasAmx()}, else fp32). */
  public static MatmulPrecision parse(String id) {
    String s = id == null ? "" : id.trim().toLowerCase(Locale.ROOT);
    return switch (s) {
      case "auto" -> cpuHasAmx() ? BF32 : FP32;
      case "bf32" -> BF32;
      case "fp32" -> FP32;
      default -> throw new IllegalArgumentException("matmul precision must be bf32, fp32 or auto, got '" + id + "'");
    };
  }

  /** Whether this machine's CPU has AMX tiles with bfloat16 (Linux: /proc/cpuinfo flags). */
  public static boolean cpuHasAmx() {
    try {
      return hasAmx(Files.readAllLines(Path.of("/proc/cpuinfo")));
    } catch (IOException | RuntimeException notLinux) {
      return false;
    }
  }

  /** Whether the "flags" lines of a /proc/cpuinfo text name both amx_tile and amx_bf16. */
  static boolean hasAmx(List<String> cpuinfo) {
    for (String line : cpuinfo) {
      if (line.startsWith("flags")) {
        List<String> flags = List.of(line.substring(line.indexOf(':') + 1).trim().split("\\s+"));
        return flags.contains("amx_tile") && flags.contains("amx_bf16");
      }
    }
    return false;
  }

  /**
   * Sets libtorch's float32 matmul precision to this one for the whole process and reads it back.
   *
   * @return one line that says what was set and what oneDNN's environment says
   * @throws IllegalStateException when libtorch_cpu or its functions cannot be found, or the value
   *     read back differs
   */
  public String apply() {
    Engine.getEngine("PyTorch"); // loads libtorch if nothing has yet
    Path lib = loadedLibrary("libtorch_cpu.so");
    NativeLibrary torch = NativeLibrary.getInstance(lib.toString());
    Function global = torch.getFunction(GLOBAL_CONTEXT);
    Pointer context = global.invokePointer(new Object[0]);
    torch.getFunction(SET_PRECISION).invokeVoid(new Object[] {context, torchValue});
    int now = torch.getFunction(GET_PRECISION).invokeInt(new Object[] {context});
    if (now != torchValue) {
      throw new IllegalStateException("libtorch's float32 matmul precision reads " + now + " after setting "
          + torchValue + " (" + id() + ")");
    }
    String env = System.getenv(FPMATH_ENV);
    StringBuilder sb = new StringBuilder("matmul precision ").append(id());
    if (this == BF32) {
      sb.append(cpuHasAmx() ? " (AMX found)" : " (no AMX on this CPU: expect no speed-up)");
      sb.append(FPMATH_BF16.equalsIgnoreCase(env) ? "; " + FPMATH_ENV + "=" + env
          : "; " + FPMATH_ENV + " is not " + FPMATH_BF16 + ", so Linear layers with bias stay float32 (set it before"
              + " the JVM starts; ./lp does)");
    }
    return sb.toString();
  }

  /** The path of a shared library this process has mapped, from /proc/self/maps. */
  private static Path loadedLibrary(String name) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
        int at = line.indexOf('/');
        if (at >= 0 && line.endsWith("/" + name)) {
          return Path.of(line.substring(at));
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot read /proc/self/maps to find " + name + ": " + e.getMessage(), e);
    }
    throw new IllegalStateException(name + " is not loaded in this process (is the PyTorch engine on the class path?)");
  }
}
