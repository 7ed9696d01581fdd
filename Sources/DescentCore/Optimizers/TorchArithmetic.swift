/// ATen's CPU elementwise kernels, rounding as PyTorch rounds them in float64.
///
/// PyTorch's CPU kernels are compiled once per instruction set. Its AVX2 and AVX-512 builds (what
/// `torch.backends.cpu.get_cpu_capability()` reports on any x86 machine of the last decade) and
/// its arm64 builds fuse the multiply-add of these kernels, in the vectorized body as in the scalar
/// tail; only the `DEFAULT` build (`ATEN_CPU_CAPABILITY=default`) rounds twice. These helpers
/// mirror the fused kernels, measured bit for bit against torch 2.15 (AVX2) and 2.13 (AVX-512) in
/// `scripts/torch-reference.py`:
///
/// | torch                          | computes                      |
/// |--------------------------------|-------------------------------|
/// | `a.add(b, alpha=s)`            | fma(s, b, a)                  |
/// | `a.lerp(b, w)`, \|w\| < 0.5    | fma(w, b − a, a)              |
/// | `a.lerp(b, w)`, \|w\| ≥ 0.5    | fma(−(1 − w), b − a, b)       |
/// | `a.addcmul(b, c, value=s)`     | fma(s·b, c, a)                |
/// | `a.addcdiv(b, c, value=s)`     | a + (s·b)/c                   |
/// | `s / t` (Python float / tensor)| (1/t)·s                       |
/// | `torch.maximum(a, b)`          | the larger, NaN if either is  |
/// | `torch.sign(x)`                | −1, 0 or 1 (0 for NaN and ±0) |
///
/// `Double.addingProduct` is an exactly rounded fused multiply-add on every platform (a single
/// instruction where the compile target has FMA, a libm call otherwise), so trajectories are the
/// same bits wherever descent runs.
enum TorchArithmetic {
  /// `a.add(b, alpha: s)`: a + s·b, rounded once.
  @inline(__always)
  static func add(_ a: Double, _ b: Double, alpha s: Double) -> Double { a.addingProduct(s, b) }

  /// `a.lerp(b, weight)`: a + w·(b − a) for |w| < 0.5, else b − (b − a)·(1 − w), each rounded once
  /// after the difference (ATen `Lerp.h`).
  @inline(__always)
  static func lerp(_ a: Double, _ b: Double, weight w: Double) -> Double {
    let difference = b - a
    return abs(w) < 0.5 ? a.addingProduct(w, difference) : b.addingProduct(-(1 - w), difference)
  }

  /// `a.addcmul(b, c, value: s)`: a + (s·b)·c, the last multiply-add fused.
  @inline(__always)
  static func addcmul(_ a: Double, _ b: Double, _ c: Double, value s: Double) -> Double {
    a.addingProduct(s * b, c)
  }

  /// `a.addcdiv(b, c, value: s)`: a + (s·b)/c.
  @inline(__always)
  static func addcdiv(_ a: Double, _ b: Double, _ c: Double, value s: Double) -> Double { a + s * b / c }

  /// `torch.maximum(a, b)`: the larger of the two, NaN when either is NaN.
  @inline(__always)
  static func maximum(_ a: Double, _ b: Double) -> Double {
    if a.isNaN || b.isNaN { return .nan }
    return a > b ? a : b
  }

  /// `torch.sign(x)`: 1 for x > 0, −1 for x < 0, 0 otherwise (zeros and NaN).
  @inline(__always)
  static func sign(_ x: Double) -> Double { x > 0 ? 1 : (x < 0 ? -1 : 0) }

  /// Python's `x ** 0.5` (libm `pow`, as torch's optimizers compute bias-correction roots).
  @inline(__always)
  static func pythonSquareRoot(_ x: Double) -> Double { Elementary.pow(x, 0.5) }
}
