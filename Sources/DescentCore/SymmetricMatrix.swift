/// A real symmetric n×n matrix, stored densely (row-major) or as its diagonal.
public struct SymmetricMatrix: Sendable, Hashable {
  public enum Storage: Sendable, Hashable {
    /// Only the diagonal; every off-diagonal entry is zero.
    case diagonal([Double])
    /// All n² entries, row-major.
    case dense([Double])
  }

  public let dimension: Int
  public let storage: Storage

  /// A diagonal matrix.
  public init(diagonal: [Double]) {
    dimension = diagonal.count
    storage = .diagonal(diagonal)
  }

  /// A dense matrix from its rows (symmetry is assumed, not enforced).
  public init(rows: [[Double]]) {
    dimension = rows.count
    storage = .dense(rows.flatMap { $0 })
  }

  /// A dense matrix from n² row-major entries.
  public init(dimension: Int, entries: [Double]) {
    precondition(entries.count == dimension * dimension)
    self.dimension = dimension
    storage = .dense(entries)
  }

  /// Entry (row, column).
  public subscript(row: Int, column: Int) -> Double {
    switch storage {
    case .diagonal(let diagonal): row == column ? diagonal[row] : 0
    case .dense(let entries): entries[row * dimension + column]
    }
  }

  /// The rows as nested arrays (for printing and tests).
  public var rows: [[Double]] {
    (0..<dimension).map { row in (0..<dimension).map { self[row, $0] } }
  }

  /// Whether every off-diagonal entry is exactly zero.
  public var isDiagonal: Bool {
    switch storage {
    case .diagonal: return true
    case .dense(let entries):
      for row in 0..<dimension {
        for column in 0..<dimension where row != column && entries[row * dimension + column] != 0 {
          return false
        }
      }
      return true
    }
  }

  /// The matrix-vector product H·v.
  /// - Complexity: O(n) for diagonal storage, O(n²) for dense.
  public func multiplied(by vector: [Double]) -> [Double] {
    switch storage {
    case .diagonal(let diagonal):
      return zip(diagonal, vector).map { $0 * $1 }
    case .dense(let entries):
      return (0..<dimension).map { row in
        var sum = 0.0
        for column in 0..<dimension { sum += entries[row * dimension + column] * vector[column] }
        return sum
      }
    }
  }
}

/// The eigen-decomposition H = Q·diag(λ)·Qᵀ of a symmetric matrix.
public struct SymmetricEigendecomposition: Sendable, Hashable {
  /// Eigenvalues in ascending order.
  public let eigenvalues: [Double]
  /// Eigenvectors as the columns of an n×n row-major matrix, in the order of `eigenvalues`;
  /// nil when they are the coordinate axes (a diagonal matrix), so callers can skip rotating.
  public let eigenvectors: [Double]?
  /// For axis-aligned decompositions, the coordinate axis of each eigenvalue.
  public let axisOrder: [Int]

  /// Decomposes `matrix` with the cyclic Jacobi method (diagonal matrices directly).
  ///
  /// Jacobi rotations are accurate to a few ulps relative to ‖H‖ and need no external library.
  /// - Complexity: O(n) for diagonal matrices, O(n³) per sweep otherwise (a few sweeps).
  public init(_ matrix: SymmetricMatrix) {
    let n = matrix.dimension
    if matrix.isDiagonal {
      let diagonal = (0..<n).map { matrix[$0, $0] }
      let order = (0..<n).sorted { (diagonal[$0], $0) < (diagonal[$1], $1) }
      eigenvalues = order.map { diagonal[$0] }
      eigenvectors = nil
      axisOrder = order
      return
    }
    var a = (0..<n * n).map { matrix[$0 / n, $0 % n] }
    var v = (0..<n * n).map { $0 / n == $0 % n ? 1.0 : 0.0 }
    for _ in 0..<100 {
      var offDiagonal = 0.0
      var diagonalScale = 0.0
      for p in 0..<n {
        diagonalScale += a[p * n + p] * a[p * n + p]
        for q in (p + 1)..<max(p + 1, n) { offDiagonal += a[p * n + q] * a[p * n + q] }
      }
      if offDiagonal <= 1e-34 * diagonalScale || offDiagonal == 0 { break }
      for p in 0..<n {
        for q in (p + 1)..<max(p + 1, n) where a[p * n + q] != 0 {
          let apq = a[p * n + q]
          let theta = (a[q * n + q] - a[p * n + p]) / (2 * apq)
          let t = (theta >= 0 ? 1.0 : -1.0) / (abs(theta) + (theta * theta + 1).squareRoot())
          let c = 1 / (t * t + 1).squareRoot()
          let s = t * c
          for k in 0..<n {
            let akp = a[k * n + p]
            let akq = a[k * n + q]
            a[k * n + p] = c * akp - s * akq
            a[k * n + q] = s * akp + c * akq
          }
          for k in 0..<n {
            let apk = a[p * n + k]
            let aqk = a[q * n + k]
            a[p * n + k] = c * apk - s * aqk
            a[q * n + k] = s * apk + c * aqk
          }
          for k in 0..<n {
            let vkp = v[k * n + p]
            let vkq = v[k * n + q]
            v[k * n + p] = c * vkp - s * vkq
            v[k * n + q] = s * vkp + c * vkq
          }
        }
      }
    }
    let order = (0..<n).sorted { (a[$0 * n + $0], $0) < (a[$1 * n + $1], $1) }
    eigenvalues = order.map { a[$0 * n + $0] }
    var vectors = [Double](repeating: 0, count: n * n)
    for (column, source) in order.enumerated() {
      for row in 0..<n { vectors[row * n + column] = v[row * n + source] }
    }
    eigenvectors = vectors
    axisOrder = order
  }

  /// The same eigenvectors with other eigenvalues (a spectral shift such as H + wd·I or −H),
  /// re-sorted ascending.
  public init(rotating base: SymmetricEigendecomposition, toEigenvalues values: [Double]) {
    let n = base.dimension
    let order = (0..<n).sorted { (values[$0], $0) < (values[$1], $1) }
    eigenvalues = order.map { values[$0] }
    axisOrder = order.map { base.axisOrder[$0] }
    if let vectors = base.eigenvectors {
      var reordered = [Double](repeating: 0, count: n * n)
      for (column, source) in order.enumerated() {
        for row in 0..<n { reordered[row * n + column] = vectors[row * n + source] }
      }
      eigenvectors = reordered
    } else {
      eigenvectors = nil
    }
  }

  public var dimension: Int { eigenvalues.count }

  /// The j-th eigenvector.
  public func eigenvector(_ j: Int) -> [Double] {
    let n = dimension
    guard let eigenvectors else {
      var axis = [Double](repeating: 0, count: n)
      axis[axisOrder[j]] = 1
      return axis
    }
    return (0..<n).map { eigenvectors[$0 * n + j] }
  }

  /// Coordinates of `vector` in the eigenbasis, Qᵀ·v.
  public func coordinates(of vector: [Double]) -> [Double] {
    let n = dimension
    guard let eigenvectors else { return axisOrder.map { vector[$0] } }
    return (0..<n).map { column in
      var sum = 0.0
      for row in 0..<n { sum += eigenvectors[row * n + column] * vector[row] }
      return sum
    }
  }
}
