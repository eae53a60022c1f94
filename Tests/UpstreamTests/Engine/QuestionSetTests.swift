import Testing
import UpstreamTestSupport

@testable import Upstream

/// The questionnaire's set of question indices behaves as a set of integers, past the
/// 128 questions it holds without allocating too.
@Suite("Question sets")
struct QuestionSetTests {
  @Test("random inserts, removals and unions agree with a Set of integers, up to question 300")
  func agreesWithSet() {
    var random = SplitMix64(seed: 3)
    for _ in 0..<200 {
      var set = QuestionSet()
      var reference = Set<Int>()
      var other = QuestionSet()
      var otherReference = Set<Int>()
      for _ in 0..<40 {
        let question = Int(random.next() % 300)
        switch random.next() % 4 {
        case 0, 1:
          set.insert(question)
          reference.insert(question)
        case 2:
          set.remove(question)
          reference.remove(question)
        default:
          other.insert(question)
          otherReference.insert(question)
        }
      }
      #expect(set.members == reference.sorted())
      #expect(set.count == reference.count)
      #expect(set.isEmpty == reference.isEmpty)
      #expect((0..<300).allSatisfy { set.contains($0) == reference.contains($0) })
      #expect(set.union(other).members == reference.union(otherReference).sorted())
      #expect(QuestionSet(reference) == set)
    }
  }

  @Test("a set emptied of its high questions equals one that never had them, and hashes the same")
  func equalityIgnoresEmptiedWords() {
    var emptied = QuestionSet([3, 70, 250])
    emptied.remove(250)
    let never = QuestionSet([3, 70])
    #expect(emptied == never)
    #expect(emptied.hashValue == never.hashValue)
    #expect(emptied != QuestionSet([3]))
    emptied.remove(3)
    emptied.remove(70)
    #expect(emptied.isEmpty && emptied == .empty)
  }
}
