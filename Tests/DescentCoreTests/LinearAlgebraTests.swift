import DescentCore
import Foundation
import TestSupport
import Testing

@Suite struct LinearAlgebraTests {
  @Test func jacobiFindsTheEigenvaluesOfARotatedQuadratic() {
    let landscape = Quadratic(eigenvalues: [1, 50], rotationDegrees: 30)
    let decomposition = SymmetricEigendecomposition(landscape.hessian(at: [0, 0]))
    #expect(relativeError(decomposition.eigenvalues[0], 1) <= 1e-14)
    #expect(relativeError(decomposition.eigenvalues[1], 50) <= 1e-14)
    // The first eigenvector is the x axis rotated by 30° (up to sign).
    let vector = decomposition.eigenvector(0)
    #expect(abs(abs(vector[0]) - cos(Double.pi / 6)) <= 1e-14)
    #expect(abs(abs(vector[1]) - 0.5) <= 1e-14)
  }

  @Test func jacobiDiagonalizesADenseMatrix() {
    // A 3×3 matrix with eigenvalues 1, 2, 4 (Q·diag·Qᵀ for an orthogonal Q).
    let matrix = SymmetricMatrix(rows: [[2, -1, 0], [-1, 2, -1], [0, -1, 2]])
    let decomposition = SymmetricEigendecomposition(matrix)
    let expected = [2 - 2.0.squareRoot(), 2, 2 + 2.0.squareRoot()]
    for (value, reference) in zip(decomposition.eigenvalues, expected) {
      #expect(abs(value - reference) <= 1e-14)
    }
    // H·v = λ·v for each eigenpair.
    for j in 0..<3 {
      let v = decomposition.eigenvector(j)
      let hv = matrix.multiplied(by: v)
      for i in 0..<3 { #expect(abs(hv[i] - decomposition.eigenvalues[j] * v[i]) <= 1e-13) }
    }
  }

  @Test func diagonalMatricesSkipRotation() {
    let decomposition = SymmetricEigendecomposition(SymmetricMatrix(diagonal: [200, 2]))
    #expect(decomposition.eigenvalues == [2, 200])
    #expect(decomposition.eigenvectors == nil)
    #expect(decomposition.coordinates(of: [5, 7]) == [7, 5])
  }
}

@Suite struct NumberTextTests {
  @Test func shortestRoundTripForms() {
    #expect(NumberText.shortest(0.1) == "0.1")
    #expect(NumberText.shortest(1.0) == "1")
    #expect(NumberText.shortest(-0.0) == "-0")
    #expect(NumberText.shortest(1e-6) == "1e-6")
    #expect(NumberText.shortest(1.5e20) == "1.5e20")
    #expect(NumberText.shortest(1e16) == "1e16")
    #expect(NumberText.shortest(123456.0) == "123456")
    #expect(NumberText.shortest(0.1 + 0.2) == "0.30000000000000004")
    #expect(NumberText.shortest(.nan) == "nan")
    #expect(NumberText.shortest(-.infinity) == "-inf")
    for value in [0.1, 1e-6, 1.5e20, .leastNonzeroMagnitude, .pi, 0.30000000000000004] {
      #expect(Double(NumberText.shortest(value)) == value)
    }
  }
}
