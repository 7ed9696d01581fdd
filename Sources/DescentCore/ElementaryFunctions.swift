// The platform's libm, for the few elementary functions the standard library lacks.
// Everything else in DescentCore is plain Swift.
#if canImport(Glibc)
  import Glibc
#elseif canImport(Musl)
  import Musl
#elseif canImport(Darwin)
  import Darwin
#endif

/// Elementary functions of `Double`, as the C library computes them (the same libm PyTorch's
/// Python-side schedules call, so schedule values agree to the bit).
public enum Elementary {
  @inlinable public static func sin(_ x: Double) -> Double { Glibc.sin(x) }
  @inlinable public static func cos(_ x: Double) -> Double { Glibc.cos(x) }
  @inlinable public static func tan(_ x: Double) -> Double { Glibc.tan(x) }
  @inlinable public static func exp(_ x: Double) -> Double { Glibc.exp(x) }
  @inlinable public static func log(_ x: Double) -> Double { Glibc.log(x) }
  @inlinable public static func tanh(_ x: Double) -> Double { Glibc.tanh(x) }
  @inlinable public static func pow(_ x: Double, _ y: Double) -> Double { Glibc.pow(x, y) }
  @inlinable public static func atan2(_ y: Double, _ x: Double) -> Double { Glibc.atan2(y, x) }
  /// eˣ − 1, accurate for small x.
  @inlinable public static func expMinusOne(_ x: Double) -> Double { Glibc.expm1(x) }
  /// ln(1 + x), accurate for small x.
  @inlinable public static func logOnePlus(_ x: Double) -> Double { Glibc.log1p(x) }
}
