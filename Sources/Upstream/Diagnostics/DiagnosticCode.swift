// MARK: - Stable diagnostic codes

/// The stable code of every diagnostic Upstream can report.
///
/// Codes never change meaning once released: editors, scripts and Docs/Errors.md rely on
/// them. `UP00xx` are problems in the text itself, `UP01xx` in what the rules mean,
/// `UP02xx` reviewer warnings, `UP03xx` case files, `UP04xx` answers, `UP05xx` files and
/// folders.
public enum DiagnosticCode: String, Sendable, Codable, CaseIterable {
  // Text (lexer and parser)
  case invalidCharacter = "UP0001"
  case unterminatedText = "UP0002"
  case invalidEscape = "UP0003"
  case invalidNumber = "UP0004"
  case invalidDate = "UP0005"
  case invalidEncoding = "UP0006"
  case unexpectedToken = "UP0010"
  case unknownAttribute = "UP0011"
  case missingAttribute = "UP0012"
  case duplicateAttribute = "UP0013"
  case nestingTooDeep = "UP0014"
  case reservedWordAsId = "UP0015"
  case inputTooLarge = "UP0016"

  // Meaning (checks)
  case unknownId = "UP0101"
  case duplicateId = "UP0102"
  case wrongKindOfId = "UP0103"
  case unknownOption = "UP0104"
  case typeMismatch = "UP0105"
  case valueOutOfRange = "UP0106"
  case certaintyOutOfRange = "UP0107"
  case unknownWord = "UP0108"
  case knowledgeBaseHeader = "UP0109"
  case invalidRange = "UP0110"
  case ruleCycle = "UP0111"
  case negationCycle = "UP0112"
  case ruleNeverFires = "UP0113"
  case askWhenExcludes = "UP0114"
  case conflictSettlement = "UP0115"

  // Reviewer warnings
  case unusedQuestion = "UP0201"
  case findingNeverConcluded = "UP0202"
  case recommendationNeverTriggered = "UP0203"
  case missingSource = "UP0204"
  case sourceNeverCited = "UP0205"
  case missingDose = "UP0206"
  case redFlagQuestionConditional = "UP0207"
  case duplicateCondition = "UP0208"
  case overlappingRanges = "UP0209"
  case gappedRanges = "UP0210"
  case missingExplanation = "UP0211"
  case staleReview = "UP0212"

  // Case files
  case caseFailed = "UP0301"

  // Answers
  case answersNotJSON = "UP0401"
  case unknownQuestion = "UP0402"
  case wrongAnswerType = "UP0403"
  case answerOutOfRange = "UP0404"
  case unknownAnswerOption = "UP0405"
  case answeredButNotAsked = "UP0406"
  case notSureNotAllowed = "UP0407"
  case unmappableFHIRItem = "UP0408"

  // Files and folders
  case folderNotFound = "UP0501"
  case noRuleFiles = "UP0502"
  case unreadableFile = "UP0503"

  /// A one-line summary of what the code means, for Docs/Errors.md and `--format json`.
  public var summary: String {
    switch self {
    case .invalidCharacter: "a character the rule language does not use"
    case .unterminatedText: "a quoted text with no closing quote on its line"
    case .invalidEscape: "an unknown backslash escape in a quoted text"
    case .invalidNumber: "a number that cannot be read, or is too large"
    case .invalidDate: "a date that is not a real YYYY-MM-DD date"
    case .invalidEncoding: "a file that is not valid UTF-8 or contains a NUL byte"
    case .unexpectedToken: "something other than what the grammar expects at this point"
    case .unknownAttribute: "an attribute this kind of declaration does not have"
    case .missingAttribute: "a required attribute is missing"
    case .duplicateAttribute: "an attribute given twice where only one is allowed"
    case .nestingTooDeep: "conditions nested deeper than the parser allows"
    case .reservedWordAsId: "a word of the language used as an id"
    case .inputTooLarge: "a file, line or text larger than Upstream accepts"
    case .unknownId: "an id that nothing declares"
    case .duplicateId: "two declarations with the same id"
    case .wrongKindOfId: "an id of the wrong kind here (e.g. a question where a finding belongs)"
    case .unknownOption: "an option the question does not have"
    case .typeMismatch: "a comparison the question's type does not allow"
    case .valueOutOfRange: "a number outside the question's or score's range"
    case .certaintyOutOfRange: "a certainty outside -1…1 (or a threshold outside 0…1)"
    case .unknownWord: "an unknown region, evidence level, urgency or question type"
    case .knowledgeBaseHeader: "no `knowledge base` header, or more than one"
    case .invalidRange: "a range whose low end is above its high end"
    case .ruleCycle: "rules that depend on their own conclusions"
    case .negationCycle: "a cycle through `not` that cannot be stratified"
    case .ruleNeverFires: "a rule whose condition can never hold"
    case .askWhenExcludes: "a condition on a question that its `ask when` never lets be asked"
    case .conflictSettlement: "a conflict settled in favour of a recommendation not in the conflict"
    case .unusedQuestion: "a question no rule uses"
    case .findingNeverConcluded: "a finding no rule concludes"
    case .recommendationNeverTriggered: "a recommendation no rule calls for"
    case .missingSource: "a rule or recommendation that cites no source"
    case .sourceNeverCited: "a source nothing cites"
    case .missingDose: "a recommendation without a dose"
    case .redFlagQuestionConditional: "a red-flag question that is only asked conditionally"
    case .duplicateCondition: "a rule whose condition is the same as another rule's"
    case .overlappingRanges: "rules that conclude the same thing from overlapping number ranges of one question"
    case .gappedRanges: "rules that conclude the same thing from number ranges of one question that leave a gap"
    case .missingExplanation: "a complaint or contributor without a patient explanation"
    case .staleReview: "a review date older than the allowed age"
    case .caseFailed: "a case's expectation that the assessment does not meet"
    case .answersNotJSON: "an answers file that is not a JSON object"
    case .unknownQuestion: "an answer to a question the knowledge base does not have"
    case .wrongAnswerType: "an answer of the wrong type for its question"
    case .answerOutOfRange: "a number outside the question's range"
    case .unknownAnswerOption: "an option the question does not have"
    case .answeredButNotAsked: "an answer to a question whose `ask when` is false"
    case .notSureNotAllowed: "\"not sure\" for a question that does not allow it"
    case .unmappableFHIRItem: "a FHIR QuestionnaireResponse item that cannot be mapped"
    case .folderNotFound: "a rules folder that does not exist"
    case .noRuleFiles: "a folder with no .rules files"
    case .unreadableFile: "a file that cannot be read"
    }
  }
}
