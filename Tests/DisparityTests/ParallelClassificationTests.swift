import Testing

@testable import Disparity

@Suite("Classifying many labels on several cores")
struct ParallelClassificationTests {
  /// 5,000 distinct labels (areas under `raw`, with unknown markers, codes and real labels among
  /// them) classify the same in parallel as one by one, in the same order.
  @Test func parallelClassificationEqualsSequential() throws {
    var labels = (0..<5000).map { "E0\($0)" }
    labels[7] = "Not stated"
    labels[100] = "BAME"
    labels[2049] = "99"
    labels[4999] = "White - British"
    for scheme in ["raw", "nhs-2001"] {
      let normaliser = try EthnicityNormaliser(
        catalogue: try EthnicityCatalogue.builtIn(), target: scheme)
      let parallel = GroupClassifier.classifyAll(labels, with: normaliser)
      let sequential = labels.map(normaliser.classify)
      #expect(parallel == sequential, "\(scheme)")
    }
  }
}
