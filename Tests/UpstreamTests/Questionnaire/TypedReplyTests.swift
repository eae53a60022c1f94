import Foundation
import Testing

@testable import Upstream

/// Replies typed in the terminal, read forgivingly.
@Suite("Typed replies")
struct TypedReplyTests {
  let kb: KnowledgeBase

  init() throws { kb = try QuestionnaireFixtures.knowledgeBase() }

  private func read(_ text: String, _ question: String) throws -> TypedReply {
    TypedReply.read(text, for: try #require(kb.question(question)))
  }

  @Test("commands: ?, help, why, back, skip, quit in any case")
  func commands() throws {
    #expect(try read("?", "numb") == .help)
    #expect(try read(" HELP ", "numb") == .help)
    #expect(try read("why", "numb") == .why)
    #expect(try read("Back", "arch") == .back)
    #expect(try read("skip", "arch") == .skip)
    #expect(try read("quit", "arch") == .quit)
    #expect(try read("undo", "pain") == .back)
    // An option spelt like a command is the option.
    #expect(try read("back", "pain") == .answer(.options(["back"])))
  }

  @Test("yes/no: y, yes, n, no; anything else gets a hint")
  func yesNo() throws {
    #expect(try read("y", "numb") == .answer(.yes))
    #expect(try read("Yes", "numb") == .answer(.yes))
    #expect(try read("n", "numb") == .answer(.no))
    #expect(try read("maybe", "numb") == .invalid("Please answer yes or no (y or n)."))
    #expect(
      try read("not sure", "numb") == .invalid("This question needs an answer: yes or no. (\"not sure\" is not one of them.)"))
  }

  @Test("numbers: with or without the unit, decimals where allowed; out of range gets the range")
  func numbers() throws {
    #expect(try read("10", "sitting") == .answer(.number(10)))
    #expect(try read("7.5 hours", "sitting") == .answer(.number(7.5)))
    #expect(try read("8h", "sitting") == .answer(.number(8)))
    #expect(try read("7,5", "sitting") == .answer(.number(7.5)))
    #expect(try read("30", "sitting") == .invalid("'30' is outside the range: please give a number from 0 to 24 hours."))
    #expect(try read("lots", "sitting") == .invalid("'lots' is not a number; please give a number from 0 to 24 hours."))
    #expect(try read("-", "sitting") == .invalid("Please give a number from 0 to 24 hours."))
  }

  @Test("one option: by number, id, label, the start of either, or initials; ambiguity and typos get a hint")
  func choice() throws {
    #expect(try read("1", "arch") == .answer(.option("flat")))
    #expect(try read("normal", "arch") == .answer(.option("normal")))
    #expect(try read("fl", "arch") == .answer(.option("flat")))
    #expect(try read("a visible", "arch") == .answer(.option("normal")))
    #expect(try read("A very high arch", "arch") == .answer(.option("high")))
    #expect(try read("not sure", "arch") == .answer(.notSure))
    #expect(try read("don't know", "arch") == .answer(.notSure))
    #expect(try read("4", "arch") == .invalid("'4' is not one of the options; type its number (1–3) or words from it."))
    #expect(
      try read("flatt", "arch")
        == .invalid("'flatt' is not one of the options; type its number (1–3) or words from it. Did you mean 'Flat'?"))
    let shoes = try #require(kb.question("shoes"))
    #expect(TypedReply.read("s", for: shoes) == .answer(.option("stiff")))
    let rolls = Question(
      id: "rolls", wording: "?", help: nil,
      kind: .choice([.init(id: "rolls_in", label: "In"), .init(id: "rolls_out", label: "Out")]), notSureAllowed: false,
      askWhen: nil, asksFirst: false,
      isRedFlagQuestion: false, location: DeclarationSite(file: "f", line: 1, column: 1))
    #expect(
      TypedReply.read("ro", for: rolls)
        == .invalid("'ro' could be 'In' or 'Out'; type a little more, or its number."))
    #expect(TypedReply.read("ri", for: rolls) == .answer(.option("rolls_in")))
  }

  @Test("several options: numbers or names with commas or spaces, in the options' order; none")
  func choices() throws {
    #expect(try read("2, 1", "pain") == .answer(.options(["back", "hip"])))
    #expect(try read("hip back", "pain") == .answer(.options(["back", "hip"])))
    #expect(try read("lower back", "pain") == .answer(.options(["back"])))
    #expect(try read("none", "pain") == .answer(.options([])))
    #expect(try read("hip, knee", "pain") == .invalid("'knee' is not one of the options; type its number (1–2) or words from it."))
  }

  @Test("what each kind of question takes, in words")
  func expectations() throws {
    #expect(TypedReply.expectation(try #require(kb.question("numb"))) == "yes or no")
    #expect(TypedReply.expectation(try #require(kb.question("sitting"))) == "a number from 0 to 24 hours")
    #expect(TypedReply.expectation(try #require(kb.question("arch"))) == "one option: its number (1–3) or its words; or not sure")
    #expect(
      TypedReply.expectation(try #require(kb.question("pain")))
        == "the numbers or words of every option that applies, separated by commas or 'and'; or none")
  }

  // MARK: Replies as people type them (the shipped questions)

  @Test(
    "where it hurts in a person's words: lists joined by 'and' or commas, declared synonyms, words of a label",
    arguments: [
      ("knee and back", ["lower_back", "knee"]), ("knee, back", ["lower_back", "knee"]), ("back & hips", ["lower_back", "hip"]),
      ("my knee", ["knee"]), ("ankle", ["foot"]), ("groin and feet", ["hip", "foot"]), ("lower back, knee", ["lower_back", "knee"]),
      ("1 and 4", ["lower_back", "knee"]),
    ])
  func painAreas(_ typed: String, _ expected: [String]) throws {
    let question = try #require(FuzzHarness.bundled.question("pain_areas"))
    #expect(TypedReply.read(typed, for: question) == .answer(.options(expected)))
  }

  @Test(
    "single and several choices by a word of the label or a synonym",
    arguments: [
      ("occupation", "office", AnswerValue.option("desk")), ("occupation", "lorry driver", .option("professional_driver")),
      ("occupation", "retired", .option("other")), ("activities", "walking", .options(["hiking"])),
      ("activities", "running and cycling", .options(["running", "cycling"])), ("activities", "gym, walks", .options(["hiking", "mixed"])),
    ])
  func wordsOfOptions(_ id: String, _ typed: String, _ expected: AnswerValue) throws {
    let question = try #require(FuzzHarness.bundled.question(id))
    #expect(TypedReply.read(typed, for: question) == .answer(expected))
  }

  @Test("an option nobody could mean is refused with the options; a word two options share asks for more")
  func stillRefused() throws {
    let areas = try #require(FuzzHarness.bundled.question("pain_areas"))
    guard case .invalid(let hint) = TypedReply.read("elbow", for: areas) else {
      Issue.record("elbow was accepted")
      return
    }
    #expect(hint.contains("'elbow' is not one of the options"))
    let occupation = try #require(FuzzHarness.bundled.question("occupation"))
    guard case .invalid = TypedReply.read("spaceship", for: occupation) else {
      Issue.record("spaceship was accepted")
      return
    }
  }

  @Test(
    "a yes or a no to a question that is not yes-or-no is refused, not read as the option it begins",
    arguments: ["no", "n", "No.", "yes", "nope"])
  func yesOrNoToOptions(reply: String) throws {
    // "How long have you had this pain?" has the option no_pain, "I have no pain at the moment".
    let duration = try #require(FuzzHarness.bundled.question("pain_duration"))
    #expect(
      TypedReply.read(reply, for: duration)
        == .invalid(
          "'\(reply)' does not answer this question: it is not a yes-or-no question. "
            + "Type the number (1–5) or words of one of the options."))
    #expect(TypedReply.read("no pain", for: duration) == .answer(.option("no_pain")))
  }

  @Test("'not sure' in everyday words, where the question allows it", arguments: ["dunno", "idk", "no idea", "Not sure.", "I don't know", "unsure"])
  func notSure(_ typed: String) throws {
    let arch = try #require(FuzzHarness.bundled.question("arch_shape"))
    #expect(arch.notSureAllowed)
    #expect(TypedReply.read(typed, for: arch) == .answer(.notSure))
  }

  @Test("yes and no in everyday words; a misspelt one gets 'did you mean'")
  func yesNoWords() throws {
    let numb = try #require(kb.question("numb"))
    for yes in ["yeah", "yup", "Yes.", "y"] { #expect(TypedReply.read(yes, for: numb) == .answer(.yes), "\(yes)") }
    for no in ["nah", "nope", "No!", "never"] { #expect(TypedReply.read(no, for: numb) == .answer(.no), "\(no)") }
    #expect(TypedReply.read("yse", for: numb) == .invalid("'yse' is not yes or no. Did you mean 'yes'? Please answer yes or no (y or n)."))
    #expect(TypedReply.read("nop", for: numb) == .invalid("'nop' is not yes or no. Did you mean 'no'? Please answer yes or no (y or n)."))
    #expect(TypedReply.read("perhaps", for: numb) == .invalid("Please answer yes or no (y or n)."))
  }

  @Test("numbers with their unit, a short unit, a hedge or 'a day'", arguments: ["8 hours", "about 8", "8 hrs", "8h", "~8", "around 8 hours a day"])
  func numbersInWords(_ typed: String) throws {
    let sitting = try #require(kb.question("sitting"))
    #expect(TypedReply.read(typed, for: sitting) == .answer(.number(8)))
  }

  @Test("a number followed by some other unit is refused")
  func wrongUnit() throws {
    let sitting = try #require(kb.question("sitting"))
    #expect(
      TypedReply.read("8 miles", for: sitting)
        == .invalid("'miles' is not a unit Upstream can turn into hours. Please give a number from 0 to 24 hours."))
  }
}

extension TypedReplyTests {
  @Test("a reply longer than the limit is refused at once with a hint, however long")
  func overlongReply() throws {
    let kb = FuzzHarness.bundled
    let question = try #require(kb.question("pain_areas"))
    let reply = TypedReply.read(String(repeating: "knee ", count: 200_000), for: question)
    guard case .invalid(let hint) = reply else {
      Issue.record("expected a refusal, got \(reply)")
      return
    }
    #expect(hint.contains("longer than 1000 characters"))
  }
}

extension TypedReplyTests {
  @Test("a 20 MB reply line through the binary is refused with a hint and the questionnaire carries on")
  func overlongReplyThroughTheBinary() throws {
    let folder = try TemporaryFolder()
    let result = try UpstreamBinary.run(
      ["ask", "--session", "s.json"], input: String(repeating: "x", count: 20_000_000) + "\nquit\n", in: folder.url)
    #expect(result.output.contains("That reply is longer than 1000 characters; please answer in a few words."))
    #expect(result.output.contains("Stopped. Your answers so far are saved in s.json."))
    #expect(!result.output.contains("xxxxxxxxxx"), "the reply is not echoed back")
  }
}

extension TypedReplyTests {
  /// A reply to a question of the shipped knowledge base.
  private func shipped(_ text: String, _ question: String) throws -> TypedReply {
    TypedReply.read(text, for: try #require(FuzzHarness.bundled.question(question)))
  }

  @Test("how long it has hurt, in everyday words: durations choose the band their labels give; a band the words leave open is asked about")
  func durations() throws {
    let chosen: [(String, String)] = [
      ("2 months", "six_weeks_to_3_months"), ("two months", "six_weeks_to_3_months"), ("6 weeks", "six_weeks_to_3_months"),
      ("3 months", "six_weeks_to_3_months"), ("8 weeks", "six_weeks_to_3_months"), ("a week", "under_6_weeks"),
      ("3 days", "under_6_weeks"), ("a few weeks", "under_6_weeks"), ("less than a month", "under_6_weeks"),
      ("about a year, not getting better", "over_3_months_not_improving"),
      ("a few months, getting better", "over_3_months_improving"),
      ("years and it's not getting better", "over_3_months_not_improving"),
      ("over a year, slowly getting better", "over_3_months_improving"),
      ("getting better", "over_3_months_improving"), ("not getting better", "over_3_months_not_improving"),
      ("4", "over_3_months_improving"),
    ]
    for (reply, option) in chosen {
      #expect(try shipped(reply, "pain_duration") == .answer(.option(option)), "\(reply)")
    }
    // A year, or years, is over 3 months: better or not is asked, with just those two.
    for reply in ["years", "a year", "about a year", "more than 3 months"] {
      #expect(
        try shipped(reply, "pain_duration")
          == .invalid(
            "'\(reply)' could be 'More than 3 months, and it is slowly getting better' or "
              + "'More than 3 months, and it is not getting better'; type 4 or 5, or say a little more."), "\(reply)")
    }
    // "A few months" could be 3 months or more: the three bands it could be.
    guard case .invalid(let hint) = try shipped("a few months", "pain_duration") else {
      Issue.record("'a few months' was taken as one band")
      return
    }
    #expect(hint.contains("type 3 or 4 or 5"))
    // "no" is not "I have no pain at the moment", and no duration is either.
    guard case .invalid = try shipped("no", "pain_duration") else {
      Issue.record("'no' was taken as an answer")
      return
    }
    guard case .invalid = try shipped("10 years", "occupation") else {
      Issue.record("a duration chose an occupation")
      return
    }
  }

  @Test("a range for a number asks for one number, your best guess; numbers in words are read; 'a bit' to yes/no is explained")
  func rangesAndNumberWords() throws {
    for reply in ["8 to 10", "8-10", "8 – 10 hours", "8 or 9"] {
      #expect(
        try shipped(reply, "sitting_hours")
          == .invalid("'\(reply)' is a range; please give one number, your best guess: a number from 0 to 24 hours; or not sure."),
        "\(reply)")
    }
    #expect(try shipped("eight", "sitting_hours") == .answer(.number(8)))
    // "A bit" to a yes/no question is neither: the person is told how to choose.
    for reply in ["a bit", "sometimes", "Kind of"] {
      #expect(
        try shipped(reply, "seat_setup_poor")
          == .invalid("'\(reply)' is between yes and no: if it is true at all, answer yes; if not, answer no."), "\(reply)")
    }
    #expect(try shipped("about eight hours", "sitting_hours") == .answer(.number(8)))
    #expect(try shipped("8", "sitting_hours") == .answer(.number(8)))
  }
}

extension TypedReplyTests {
  @Test("a number out of range is quoted as typed, with the question's note of who it is for; a decimal to a whole-number question says so once")
  func numbersAsTyped() throws {
    let range = "please give a whole number from 16 to 110 years."
    let forWhom = " Upstream is for people aged 16 and over."
    #expect(try shipped("99999999999999999999999", "age") == .invalid("'99999999999999999999999' is outside the range: \(range)\(forWhom)"))
    #expect(try shipped("1e400", "age") == .invalid("'1e400' is outside the range: \(range)\(forWhom)"))
    // Below the range is who Upstream is not for (`below range`): the answer, which ends the questionnaire.
    #expect(try shipped("15", "age") == .answer(.number(15)))
    #expect(try shipped("45.5", "age") == .invalid("'45.5' is not a whole number; \(range)"))
    #expect(try shipped("2e1", "age") == .answer(.number(20)))
    #expect(try shipped("45", "age") == .answer(.number(45)))
    #expect(try shipped("no", "age") == .invalid("'no' is not a number; please give a whole number from 16 to 110 years."))
    // No number at all: a best guess is asked for ("not sure" is allowed here).
    for reply in ["most of the day", "half the day"] {
      #expect(
        try shipped(reply, "sitting_hours")
          == .invalid("'\(reply)' is not a number; please give your best guess: a number from 0 to 24 hours; or not sure."), "\(reply)")
    }
  }

  @Test(
    "where it hurts, as people say it: words that name no part are left out, a misspelt part of two words gets 'did you mean'",
    arguments: [
      ("back pain", ["lower_back"]), ("both knees and my back", ["lower_back", "knee"]), ("my back", ["lower_back"]),
      ("knee pain and back pain", ["lower_back", "knee"]), ("painful hips", ["hip"]),
    ])
  func painAreasAsSaid(_ typed: String, _ expected: [String]) throws {
    #expect(try shipped(typed, "pain_areas") == .answer(.options(expected)))
  }

  @Test("a misspelt part of two words is suggested whole; a misspelt option is suggested from its synonyms too")
  func painAreaTypos() throws {
    #expect(
      try shipped("lower bak", "pain_areas")
        == .invalid("'lower bak' is not one of the options; type its number (1–5) or words from it. Did you mean 'Lower back'?"))
    #expect(
      try shipped("kneee", "pain_areas")
        == .invalid("'kneee' is not one of the options; type its number (1–5) or words from it. Did you mean 'Knee'?"))
  }

  @Test("a yes or a no with more words is that answer, unless the words say the other; a word that starts one option's word chooses it")
  func answersWithMoreWords() throws {
    #expect(try shipped("yes, going down", "knee_pain_stairs") == .answer(.yes))
    #expect(try shipped("yes going down the stairs", "knee_pain_stairs") == .answer(.yes))
    #expect(try shipped("no, never", "knee_pain_stairs") == .answer(.no))
    #expect(try shipped("Nope - not at all", "knee_pain_stairs") == .answer(.no))
    for reply in ["yes and no", "yes, but not really", "no, well yes"] {
      #expect(
        try shipped(reply, "knee_pain_stairs")
          == .invalid("'\(reply)' is between yes and no: if it is true at all, answer yes; if not, answer no."), "\(reply)")
    }
    #expect(try shipped("roll in", "foot_rolls") == .answer(.option("rolls_in")))
    #expect(try shipped("roll out", "foot_rolls") == .answer(.option("rolls_out")))
    #expect(try shipped("rolls inwards", "foot_rolls") == .answer(.option("rolls_in")))
  }

  @Test("the age question through the binary: what the person typed is quoted, and told who Upstream is for")
  func ageThroughTheBinary() throws {
    let folder = try TemporaryFolder()
    var session = QuestionnaireSession(FuzzHarness.bundled, mode: .untilAdviceSettled)
    var replies: [String] = []
    // Neutral answers up to the age question (knee pain, no injury, no to each sign).
    while let question = session.currentQuestion, question.id != "age" {
      let value: AnswerValue =
        switch question.kind {
        case .choices: question.id == "pain_areas" ? .options(["knee"]) : .options([])
        case .choice(let options): .option(options.first?.id ?? "")
        case .number(let low, _, _, _): .number(low)
        default: .no
        }
      let reply =
        switch value {
        case .options(let ids): ids.isEmpty ? "none" : ids.joined(separator: ", ")
        case .option(let id): id
        case .number(let number): NumberText.plain(number)
        default: "no"
        }
      replies.append(reply)
      try session.answer(value)
    }
    let typed = ["99999999999999999999999", "1e400", "45.5"]
    let result = try UpstreamBinary.run(
      ["ask", "--session", "s.json", "--width", "200"], input: (replies + typed + ["quit"]).joined(separator: "\n") + "\n", in: folder.url)
    for reply in ["99999999999999999999999", "1e400"] {
      #expect(result.output.contains("'\(reply)' is outside the range: please give a whole number from 16 to 110 years."), "\(reply)")
    }
    #expect(result.output.contains("years. Upstream is for people aged 16 and over.\n"))
    #expect(result.output.contains("'45.5' is not a whole number; please give a whole number from 16 to 110 years."))
    #expect(!result.output.contains("1e+23") && !result.output.contains("'e400'") && !result.output.contains("whole number: a whole number"))
  }
}
