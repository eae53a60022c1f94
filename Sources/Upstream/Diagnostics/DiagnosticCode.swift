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
  case adviceUrgencyMissing = "UP0116"
  case unitInComparison = "UP0117"
  case ambiguousCode = "UP0118"

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
  case missingSafetyNetting = "UP0213"
  case doubleCounting = "UP0214"
  case nearDuplicateRecommendations = "UP0215"
  case codingWithoutSystem = "UP0216"

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
  case duplicateJSONKey = "UP0409"
  case unknownResourceMember = "UP0410"
  case unknownFHIRItem = "UP0411"
  case storedScoreDiffers = "UP0412"
  case responseNotCompleted = "UP0413"
  case ambiguousAnswerMapping = "UP0414"
  case missingAssessmentDate = "UP0415"
  case answerUnitMismatch = "UP0416"
  case optionNotOffered = "UP0417"

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
    case .adviceUrgencyMissing: "a red flag raised at an urgency it has no advice wording for"
    case .unitInComparison: "a unit written after a number in a comparison (`sitting_hours > 6 hours`)"
    case .ambiguousCode: "a linkId or code that is empty, or names two questions, scores or options"
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
    case .missingSafetyNetting: "self-care advice with no safety-netting in the knowledge base"
    case .doubleCounting: "two rules that conclude the same finding from overlapping evidence, so it is counted twice"
    case .nearDuplicateRecommendations: "two near-identical recommendations that rules can call for together"
    case .codingWithoutSystem: "a code without a code system"
    case .caseFailed: "a case's expectation that the assessment does not meet"
    case .answersNotJSON: "an answers file that is not a JSON object"
    case .unknownQuestion: "an answer to a question the knowledge base does not have"
    case .wrongAnswerType: "an answer of the wrong type for its question"
    case .answerOutOfRange: "a number outside the question's range"
    case .unknownAnswerOption: "an option the question does not have"
    case .answeredButNotAsked: "an answer to a question whose `ask when` is false"
    case .optionNotOffered: "an answer that chooses an option whose `when` the other answers rule out"
    case .notSureNotAllowed: "\"not sure\" for a question that does not allow it"
    case .unmappableFHIRItem: "a FHIR QuestionnaireResponse item that cannot be mapped"
    case .duplicateJSONKey: "a JSON object with the same key twice"
    case .unknownResourceMember: "a member a FHIR QuestionnaireResponse does not have"
    case .unknownFHIRItem: "a FHIR QuestionnaireResponse item no question or score of the knowledge base names"
    case .storedScoreDiffers: "a FHIR QuestionnaireResponse stores a total that differs from the sum of its items"
    case .responseNotCompleted: "a FHIR QuestionnaireResponse whose status is not completed"
    case .ambiguousAnswerMapping: "a FHIR answer whose code and display text point to different options, or to several"
    case .missingAssessmentDate: "a date answer that conditions count back from, with no assessment date given"
    case .answerUnitMismatch: "a number answer in a unit that cannot be converted to the question's unit"
    case .folderNotFound: "a rules folder that does not exist"
    case .noRuleFiles: "a folder with no .rules files"
    case .unreadableFile: "a file that cannot be read"
    }
  }

  /// What to do about it, in a sentence, for Docs/Errors.md.
  public var fix: String {
    switch self {
    case .invalidCharacter: "Delete the character, or put it inside a quoted text; ids use letters, digits, `_` and `-`."
    case .unterminatedText: "Close the text with `\"` on the same line; a long text can continue as a second quoted text on the next line."
    case .invalidEscape: "Write `\\\"` for a quote, `\\\\` for a backslash, `\\n` for a new line; any other backslash is an error."
    case .invalidNumber: "Write the number with digits and at most one decimal point (at most 18 digits); scores stay below a billion."
    case .invalidDate: "Write the date as YYYY-MM-DD, and make it a real day (e.g. 2026-02-28, not 2026-02-30)."
    case .invalidEncoding: "Save the file as UTF-8 text and remove any NUL bytes (a file copied from a word processor often has them)."
    case .unexpectedToken: "Compare the line with the grammar in Docs/RuleLanguage.md; the message says what was expected at that point."
    case .unknownAttribute: "Use one of the attributes the message lists for this kind of declaration (or take the suggestion)."
    case .missingAttribute: "Add the attribute the message names (e.g. `because \"…\"` on a rule, `ask \"…\"` on a question)."
    case .duplicateAttribute: "Keep one of the two; texts that run long can continue on the next line as a second quoted text."
    case .nestingTooDeep: "Split the condition: conclude an intermediate finding in one rule and test it in another."
    case .reservedWordAsId: "Rename the id: words of the language (`when`, `and`, `not`, …) cannot be ids; add a word, e.g. `not_sure_answer`."
    case .inputTooLarge: "Split the file or text: a file holds at most 64 MiB, a line or a text at most 1 MiB (Docs/Limits.md)."
    case .unknownId: "Check the spelling (take the \"did you mean\"), or declare the question, finding, score or recommendation."
    case .duplicateId: "Give one of the two declarations another id; ids are shared by every kind of declaration in the folder."
    case .wrongKindOfId:
      "Use an id of the kind the place needs: a question or finding in a condition, a finding after `then`, a recommendation after `recommend`."
    case .unknownOption: "Use one of the question's options (the message lists them), or add the option to the question."
    case .typeMismatch:
      "Compare the question the way its type allows: `is`/`in` for choices, `includes` for several choices, numbers with `<`, `between`, …."
    case .valueOutOfRange: "Use a number inside the question's or score's declared range, or widen the range."
    case .certaintyOutOfRange: "A certainty is between -1 and 1 (a threshold between 0 and 1); write e.g. `certainty 0.6`."
    case .unknownWord: "Use one of the words the message lists (regions, evidence levels, urgencies, question types)."
    case .knowledgeBaseHeader: "Keep exactly one `knowledge base \"Name\"` header, with `version` and `disclaimer`, in one file of the folder."
    case .invalidRange: "Write the low end first: `range 0 to 24`."
    case .ruleCycle: "Break the loop: a rule cannot depend, through other rules, on what it concludes itself."
    case .negationCycle: "Remove the `not` from the loop, or conclude the negated finding from answers only."
    case .ruleNeverFires: "Fix the condition so that some answers satisfy it (a value inside the range, tests that do not contradict each other)."
    case .askWhenExcludes: "Change the rule or the question's `ask when`: the rule needs an answer the question is never asked for."
    case .conflictSettlement: "Prefer one of the two recommendations in the conflict (`prefer THIS when …`, `otherwise prefer OTHER`)."
    case .adviceUrgencyMissing:
      "Add `advice URGENCY \"…\"` to the red flag, worded for that urgency (an emergency's advice opens with going to an emergency department now)."
    case .unitInComparison:
      "Write the number only (`sitting_hours > 6`): a number question is always compared in its own unit, which `upstream list questions` shows."
    case .unusedQuestion: "Use the question in a rule, or remove it so that nobody is asked it for nothing."
    case .findingNeverConcluded: "Add a rule that concludes the finding, or remove it."
    case .recommendationNeverTriggered: "Add `recommend ID` to a rule, or remove the recommendation."
    case .missingSource: "Add `source ID` naming a declared source (use `clinical-team-judgement` style sources for expert opinion)."
    case .sourceNeverCited: "Cite the source from a rule or recommendation, or remove it."
    case .missingDose: "Add `dose \"…\"` saying how much and how often (e.g. \"10 repetitions, 2 sets, daily\")."
    case .redFlagQuestionConditional: "Remove the `ask when` from the red-flag question: safety questions are asked of everyone."
    case .duplicateCondition: "Merge the two rules, or make their conditions differ; two rules with one condition count the same evidence twice."
    case .overlappingRanges: "Make the number ranges meet without overlapping (e.g. `< 8` and `>= 8`), so no answer is counted twice."
    case .gappedRanges: "Close the gap between the ranges (e.g. `< 8` and `>= 8`), or say in a comment why the gap is meant."
    case .missingExplanation: "Add `explain \"…\"`: the plain-language text a person reads about this finding."
    case .staleReview: "Review the rule or recommendation and update `reviewed YYYY-MM-DD`; `--stale-after DAYS` sets the allowed age."
    case .missingSafetyNetting:
      "Add `safety netting \"…\"` lines to the `knowledge base` header: when to seek emergency help, same-day help, and a routine review."
    case .doubleCounting:
      "Conclude the finding in one rule, make the conditions exclude each other (`and not …`), or take the suggested certainty so the two together give what you meant."
    case .nearDuplicateRecommendations:
      "Keep one of the two, or declare `conflicts with OTHER` and `otherwise prefer stronger` so a patient is given only one."
    case .caseFailed: "Read the expected and actual lines and the why-trace: mend the rule, or the case if the expectation was wrong."
    case .answersNotJSON: "Write the answers as one JSON object of question id → answer, saved as UTF-8 (see Docs/examples/)."
    case .unknownQuestion: "Check the id (take the \"did you mean\"); `upstream explain ID` or the FHIR export lists the questions."
    case .wrongAnswerType: "Give the answer the question's type expects: true/false, a number, an option id, or a list of option ids."
    case .answerOutOfRange: "Give a number inside the question's range (the message gives it)."
    case .unknownAnswerOption: "Use one of the options the message lists."
    case .answeredButNotAsked: "A warning: the answer is kept, but the question's `ask when` says it would not be asked; check the other answers."
    case .optionNotOffered:
      "A warning: the answer is kept, but the questionnaire would not offer that option after the other answers (they contradict it); correct one of them."
    case .notSureNotAllowed: "Leave the question out instead: this question does not allow \"not sure\"."
    case .duplicateJSONKey:
      "Keep one of the two: readers disagree on which of two equal keys counts (Python and JavaScript take the last), so Upstream uses neither."
    case .unknownResourceMember:
      "Put answers inside `item` (linkId and answer), or send a plain answers file; a QuestionnaireResponse holds only its FHIR R4 members (`resourceType`, `id`, `meta`, `status`, `questionnaire`, `subject`, `authored`, `item`, …)."
    case .unmappableFHIRItem:
      "Give each answered item a linkId naming a question and a value of the question's type (valueBoolean, valueInteger, valueDecimal, valueCoding)."
    case .ambiguousCode:
      "Give each question, score and option its own linkId and code (`link id \"…\"`, `code \"…\" system \"…\"`); a code names one thing."
    case .codingWithoutSystem:
      "Add the code system after the code (`code \"LA6568-5\" system \"http://loinc.org\"`): without one, the code matches in any system."
    case .unknownFHIRItem:
      "A warning (an error with `--strict`): the item's answers are not used. Declare the item's linkId on its question (`link id \"…\"`) if it should count."
    case .storedScoreDiffers:
      "A warning: Upstream uses the sum of the items' answers, never the stored total; check the form that computed the stored one."
    case .responseNotCompleted:
      "A warning: the answers are read as they are; an `in-progress` or `amended` form may lack answers or hold changed ones."
    case .ambiguousAnswerMapping:
      "Send the answer with the option's code (and system), as the rules declare it; the message says which option was taken and why."
    case .missingAssessmentDate:
      "A warning: give the day the answers were given (`--assessment-date YYYY-MM-DD`, `\"assessment date\"` in an answers file, `authored` in a QuestionnaireResponse); Upstream never takes it from the clock, so without it the date conditions stay unknown."
    case .answerUnitMismatch:
      "Give the number in the question's unit, or in a unit of the same kind that Upstream converts (kg and lb, cm and in, hours and minutes…); the message names both units."
    case .folderNotFound: "Check the path given to `--rules`; without it the bundled rules are used."
    case .noRuleFiles: "Point `--rules` at the folder that holds the `.rules` files."
    case .unreadableFile: "Check that the file exists and can be read (permissions, not a folder)."
    }
  }
}
