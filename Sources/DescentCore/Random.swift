/// SplitMix64 (Steele, Lea & Flood 2014; prng.di.unimi.it/splitmix64.c): a tiny, fast,
/// seedable generator, and the mixing function used to derive independent seeds.
public struct SplitMix64: RandomNumberGenerator, Sendable, Hashable {
  public private(set) var state: UInt64

  public init(seed: UInt64) {
    state = seed
  }

  public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    return Self.mix(state)
  }

  /// The SplitMix64 finalizer: a bijective avalanche of the 64 bits.
  public static func mix(_ value: UInt64) -> UInt64 {
    var z = value
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}

/// Stable hashes and seed derivation: results depend on (seed, instance id) only, never on the
/// thread, shard or order a run happens in.
public enum StableHash {
  /// 64-bit FNV-1a of the UTF-8 bytes of `text` (stable across runs and platforms, unlike `Hasher`).
  public static func fnv1a(_ text: String) -> UInt64 {
    fnv1a(bytes: text.utf8)
  }

  /// 64-bit FNV-1a of a byte sequence.
  public static func fnv1a<Bytes: Sequence>(bytes: Bytes, seed: UInt64 = 0xCBF2_9CE4_8422_2325) -> UInt64
  where Bytes.Element == UInt8 {
    var hash = seed
    for byte in bytes {
      hash ^= UInt64(byte)
      hash &*= 0x100_0000_01B3
    }
    return hash
  }

  /// The seed of one instance: the root seed and the id's hash, mixed so that nearby seeds or
  /// similar ids give unrelated streams.
  public static func instanceSeed(root: UInt64, id: String) -> UInt64 {
    SplitMix64.mix(SplitMix64.mix(root) ^ fnv1a(id))
  }
}
