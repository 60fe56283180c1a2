import DisparityIngest
import Foundation
import Testing

@testable import DisparityNormalise

/// Reading real-world ethnicity values and mapping them between schemes. Expected codes come from
/// the NHS Data Dictionary (ETHNIC CATEGORY), ONS TS021 / DC2101EW and the crosswalk in
/// datasets/ethnicity (from shared/ethnicity/mapping_nhs2001_census2011_census2021.csv).
struct EthnicityNormaliserTests {
  let catalogue: EthnicityCatalogue
  init() throws { catalogue = try EthnicityCatalogue.builtIn() }

  func normaliser(_ target: String, _ options: EthnicityNormaliser.Options = .init()) throws
    -> EthnicityNormaliser
  {
    try EthnicityNormaliser(catalogue: catalogue, target: target, options: options)
  }

  @Test(arguments: [
    ("British (White)", "A"), ("White - British", "A"), ("White: British", "A"),
    ("  white british   ", "A"), ("WHITE-BRITISH", "A"), ("White – British", "A"),
    ("White: English/Welsh/Scottish/Northern Irish/British", "A"),
    ("White: English, Welsh, Scottish, Northern Irish or British", "A"),
    ("Irish (White)", "B"), ("White: Irish", "B"), ("Any other White background", "C"),
    ("White and Black Caribbean (Mixed)", "D"), ("Mixed: White and Black African", "E"),
    ("Mixed - White & Asian", "F"), ("Any other Mixed background", "G"),
    ("Indian (Asian or Asian British)", "H"), ("Asian/Asian British: Pakistani", "J"),
    ("Bangladeshi", "K"), ("Any other Asian background", "L"),
    ("Black or Black British - Caribbean", "M"), ("African (Black or Black British)", "N"),
    ("Black, Black British, Black Welsh, Caribbean or African: Other Black", "P"),
    ("Chinese (other ethnic group)", "R"), ("Other Ethnic Groups - Chinese", "R"),
    ("Any other ethnic group", "S"), ("Other ethnic group: Any other ethnic group", "S"),
  ])
  func labelVariantsReadAsNHSCodes(value: String, code: String) throws {
    let result = try normaliser("nhs-2001").classify(value)
    #expect(result.status == .group)
    #expect(result.code == code, "\(value): \(result.rule)")
    #expect(result.label == (try catalogue.scheme(named: "nhs-2001").group(code: code)!.label))
  }

  @Test func nhsLettersAndSpecialCodesAreRead() throws {
    let nhs = try normaliser("nhs-2001")
    for letter in ["A", "B", "C", "D", "E", "F", "G", "H", "J", "K", "L", "M", "N", "P", "R", "S"] {
      let result = nhs.classify(letter.lowercased())
      #expect(result.code == letter && result.status == .group)
      #expect(result.rule == "NHS England code \(letter)")
    }
    #expect(nhs.classify("Z").status == .notStated && nhs.classify("Z").code == "Z")
    #expect(nhs.classify("99").status == .notKnown && nhs.classify("99").code == "99")
    // HES X = not known. (A bare 9 is ONS 2021 code 9, not the withdrawn NHS default 9.)
    #expect(nhs.classify("X").status == .notKnown && nhs.classify("X").code == "99")
    #expect(nhs.classify("9").code == "F")
    // GDPPR T (Gypsy, Irish Traveller, Roma) and W (Arab) fold into C and S.
    let traveller = nhs.classify("T")
    #expect(traveller.code == "C" && traveller.lossNote?.contains("also includes") == true)
    #expect(nhs.classify("W").code == "S")
    // A letter that is no NHS code is unmapped, with the reason.
    let q = nhs.classify("Q")
    #expect(q.status == .unmapped && q.code.isEmpty && q.label == "Unmapped")
    #expect(q.rule == "\"Q\" is not an NHS England code")
  }

  @Test func localTwoCharacterCodesUseTheirFirstLetter() throws {
    let nhs = try normaliser("nhs-2001")
    let english = nhs.classify("CA")
    #expect(english.code == "C")
    #expect(english.rule == "NHS England code C (first letter of local code \"CA\")")
    #expect(nhs.classify("lb").code == "L")
    #expect(nhs.classify("A1").code == "A")
    // Missing markers are read before the local-code rule: "NA" is not African.
    #expect(nhs.classify("NA").status == .notKnown)
    #expect(nhs.classify("NK").status == .notKnown)
  }

  @Test func bareNumbersAreONS2021CodesUnlessAnotherNumberingIsChosen() throws {
    let byDefault = try normaliser("nhs-2001").classify("13")
    #expect(byDefault.code == "A")
    #expect(
      byDefault.rule.hasPrefix("code 13 of ons-2021 (bare numbers are read as ons-2021 codes)"))
    // ONS 2011 code 13 is Asian/Asian British: Other Asian (NHS L).
    let as2011 = try normaliser("nhs-2001", .init(numericCodes: "ons-2011")).classify("13")
    #expect(as2011.code == "L")
    #expect(try normaliser("ons-2021").classify("-8").status == .notKnown)
    #expect(try normaliser("ons-2021").classify("98").status == .notStated)  // NHS Scotland refused
    #expect(try normaliser("ons-2021").classify("42").status == .unmapped)
    #expect(throws: EthnicityError.self) {
      try normaliser("ons-2021", .init(numericCodes: "wales"))
    }
  }

  @Test func walesLettersAreAnOption() throws {
    let wales = try normaliser("nhs-2001", .init(letterCodes: .nhsWales))
    // Wales B is Gypsy or Irish Traveller (England B is Irish); Wales T is Arab.
    let b = wales.classify("B")
    #expect(b.code == "C" && b.rule.hasPrefix("NHS Wales code B"))
    #expect(wales.classify("T").code == "S")
    // Wales A (any White background, Irish included) spans England A, B and C.
    #expect(wales.classify("A").status == .unmapped)
    #expect(try normaliser("ons-2021-5", .init(letterCodes: .nhsWales)).classify("A").code == "4")
  }

  @Test func scottishCodesAndLabelsMap() throws {
    let ons = try normaliser("ons-2021")
    #expect(ons.classify("1A").code == "13")
    #expect(ons.classify("1L").code == "17")  // Polish: part of Other White
    #expect(ons.classify("1L").lossNote?.contains("also includes") == true)
    let scotland = try normaliser("scotland-2022")
    #expect(scotland.classify("1A").code == "1")  // Scottish
    #expect(scotland.classify("1B").code == "2")  // Other British
    // England's "White British" spans Scotland's Scottish and Other British.
    #expect(scotland.classify("A").status == .unmapped)
  }

  @Test func notStatedAndNotKnownStayDistinct() throws {
    let nhs = try normaliser("nhs-2001")
    for value in ["Z", "Not stated", "refused", "Prefer not to say", "Patient refused"] {
      let result = nhs.classify(value)
      #expect(result.status == .notStated && result.code == "Z", "\(value)")
    }
    for value in ["99", "X", "", "   ", "NULL", "not recorded", "Unknown", "Not known"] {
      let result = nhs.classify(value)
      #expect(result.status == .notKnown && result.code == "99", "\(value)")
    }
    let ons = try normaliser("ons-2021")
    #expect(ons.classify("refused").code == "Z" && ons.classify("unknown").code == "99")
  }

  @Test func collectiveTermsAreFlaggedNeverMapped() throws {
    let nhs = try normaliser("nhs-2001")
    for value in [
      "BAME", "BME", "Non-White", "non white", "Ethnic minority", "Minority ethnic",
      "Other than White", "Black, Asian and minority ethnic", "All other ethnic groups combined",
    ] {
      let result = nhs.classify(value)
      #expect(result.status == .collective, "\(value): \(result.rule)")
      #expect(result.code.isEmpty && result.label == "Unmapped")
    }
  }

  @Test func totalsAreRecognisedNotGroups() throws {
    let ons = try normaliser("ons-2011")
    for value in ["All", "Total", "All categories: Ethnic group", "White: Total", "Grand total"] {
      let result = ons.classify(value)
      #expect(result.status == .total && result.code.isEmpty && result.label == "Total", "\(value)")
    }
    #expect(ons.classify("White: Total").rule.hasPrefix("subtotal of ons-2011-5 1 \"White\""))
    // The total of a single group is the group.
    #expect(ons.classify("Chinese total").code == "12")
  }

  @Test func unrecognisedValuesAreUnmappedWithReason() throws {
    let result = try normaliser("ons-2021").classify("No match ")
    #expect(result.status == .unmapped && result.code.isEmpty && result.label == "Unmapped")
    #expect(result.rule.hasPrefix("no built-in code or label matches \"No match\""))
  }

  @Test func combinationsAreReadAndPlacedWhereTheyFit() throws {
    let high = try normaliser("ons-2021-5")
    let both = high.classify("Pakistani and Bangladeshi")
    #expect(both.code == "1")
    #expect(both.rule.hasPrefix("combination of"))
    #expect(try normaliser("ons-2021").classify("Pakistani/Bangladeshi").status == .unmapped)
    #expect(high.classify("Asian excluding Chinese").code == "1")
  }

  @Test func ambiguousLabelsFollowTheTargetThenTheLabelOrder() throws {
    // "Asian or Asian British" is the NHS 2001 high-level group (no Chinese) and, with joins
    // dropped, the ONS 2011 "Asian/Asian British" (with Chinese).
    let nhs = try normaliser("nhs-2001-5").classify("Asian or Asian British")
    #expect(nhs.code == "3" && nhs.rule.hasPrefix("label of nhs-2001-5"))
    let ons = try normaliser("ons-2021-5").classify("Asian or Asian British")
    #expect(ons.code == "1" && ons.rule.hasPrefix("label of ons-2011-5"))
    let preferred = try normaliser("ons-2021-5", .init(labelPreference: ["nhs-2001-5"]))
      .classify("Asian or Asian British")
    #expect(preferred.rule.hasPrefix("label of nhs-2001-5"))
  }

  @Test func crosswalkLossyStepsAreStated() throws {
    let nhs = try normaliser("nhs-2001")
    let chinese = nhs.classify("Asian/Asian British: Chinese")
    #expect(chinese.code == "R")
    #expect(chinese.lossNote?.contains("high-level group changes from Asian to Other") == true)
    let gypsy = nhs.classify("White: Gypsy or Irish Traveller")
    #expect(gypsy.code == "C" && gypsy.lossNote?.contains("also includes") == true)
    #expect(nhs.classify("White: Roma").code == "C")
    let arab = nhs.classify("Other ethnic group: Arab")
    #expect(arab.code == "S" && arab.lossNote?.contains("Any other ethnic group") == true)
    let ons = try normaliser("ons-2021")
    let c = ons.classify("C")
    #expect(c.code == "17")
    #expect(
      c.lossNote?.hasPrefix(
        "nhs-2001 C \"White - Any other White background\" cannot be split into ons-2021 15, 16, 17"
      ) == true)
    #expect(ons.classify("S").code == "19")
    // Chinese is "Other" in 2001/NHS but "Asian" in 2011/2021.
    #expect(try normaliser("nhs-2001-5").classify("R").code == "5")
    #expect(try normaliser("ons-2011-5").classify("R").code == "3")
    #expect(try normaliser("ons-2001-5").classify("2").code == "5")
  }

  @Test func crosswalkRoundTrips() throws {
    let toNHS = try normaliser("nhs-2001")
    let to2011 = try normaliser("ons-2011")
    let to2021 = try normaliser("ons-2021")
    let from2011 = try normaliser("nhs-2001", .init(numericCodes: "ons-2011"))
    // ONS 2011 → NHS → ONS 2011 returns every group except the two that NHS folds:
    // 3 Gypsy or Irish Traveller (→ C → 4 Other White) and 17 Arab (→ S → 18 Any other).
    for code in 1...18 {
      let nhs = from2011.classify(String(code))
      let back = to2011.classify(nhs.code)
      let expected = code == 3 ? "4" : code == 17 ? "18" : String(code)
      #expect(back.code == expected, "ons-2011 \(code) → \(nhs.code) → \(back.code)")
    }
    // NHS → ONS 2021 → NHS is the identity for every national code.
    for letter in ["A", "B", "C", "D", "E", "F", "G", "H", "J", "K", "L", "M", "N", "P", "R", "S"] {
      let ons = to2021.classify(letter)
      #expect(toNHS.classify(ons.code).code == letter)
    }
  }

  @Test func rawKeepsTrimmedLabels() throws {
    let raw = try normaliser("raw")
    let result = raw.classify("  White: Polish ")
    #expect(
      result.code == "White: Polish" && result.label == "White: Polish" && result.status == .group)
    #expect(raw.classify("Something new").status == .group)
    #expect(raw.classify("Total").status == .total)
    #expect(raw.classify("refused").status == .notStated)
  }

  @Test func unknownSchemeNameSuggestsTheNearest() throws {
    do {
      _ = try catalogue.scheme(named: "ons2021")
      Issue.record("expected an error")
    } catch let error as EthnicityError {
      #expect(error.kind == .usage)
      guard case .unknownSchemeName(_, let available, let nearest) = error else {
        Issue.record("wrong error \(error)")
        return
      }
      #expect(nearest == "ons-2021")
      #expect(available.contains("nhs-2001-5") && available.contains("raw"))
    }
    #expect(try catalogue.scheme(named: "ONS-2021-5").id == "ons-2021-5")
  }
}

@Suite("Fast paths of the text normalisation agree with the general rules")
struct EthnicityTextFastPathTests {
  /// A single ASCII word takes a short path to its key; it must be the key the general rules
  /// give (joins dropped, plurals made singular, "ethnicity" read as "ethnic group").
  @Test func singleAsciiWordKeysMatchTheGeneralRules() {
    let words = [
      "Indian", "E02000001", "G00001", "99", "Z", "AND", "or", "Groups", "BACKGROUNDS",
      "Ethnicity", "ethnicities", "other", "White", "x1y2",
    ]
    for word in words {
      #expect(EthnicityText.asciiWord(word) != nil, "\(word)")
      #expect(
        EthnicityText.key(word)
          == EthnicityText.words(EthnicityText.light(word)).joined(
            separator: " "), "\(word)")
    }
    for other in ["White British", "Black-African", "Café", "", "A_B", "a&b"] {
      #expect(EthnicityText.asciiWord(other) == nil, "\(other)")
    }
  }

  /// Plain ASCII labels are split into words byte by byte; the words must be those of the
  /// general reading, character by character, for every label of the Race Disparity Unit's
  /// lookup of 285 messy labels and some made-up ones.
  @Test func asciiWordsMatchTheCharacterReading() throws {
    let lookup = try CSVTable(
      contentsOf: try #require(
        Bundle.module.url(
          forResource: "rdu_classification_lookup", withExtension: "csv", subdirectory: "Resources")
      ).path)
    var labels = lookup.rows.flatMap { $0.fields }
    labels += [
      "White - British", "Mixed/other", "other/Chinese", "Asian or Asian British: Indian",
      "Black & Black British", "  any other   ethnic group ", "A1/B2,c3;d4", "Groups/other",
    ]
    for label in labels where label.utf8.allSatisfy({ $0 < 0x80 }) {
      let light = EthnicityText.light(label)
      #expect(
        EthnicityText.words(light) == EthnicityText.words(light, readingCharacters: true),
        "\(label)")
    }
  }

  /// Trimming skips Foundation only where there is nothing to trim.
  @Test func trimmingMatchesFoundation() {
    for text in [
      "Indian", " Indian", "Indian ", "\tWhite\n", "\u{A0}Irish\u{A0}", "", " ", "Caf\u{E9}",
      "\u{2003}Mixed",
    ] {
      #expect(
        EthnicityText.trimmed(text) == text.trimmingCharacters(in: .whitespacesAndNewlines),
        "\(text.debugDescription)")
    }
  }
}

/// The byte-level shortcut for plain words under `raw` decides as the full reading does.
struct RawPlainWordTests {
  @Test func plainWordShortcutAgreesWithFullReading() throws {
    let catalogue = try EthnicityCatalogue.builtIn()
    var words = Array(catalogue.rawWordBlockers)
    words += catalogue.labelIndex.keys.filter { !$0.contains(" ") }
    words += catalogue.extraCodes.values.flatMap(\.keys)
    words += [
      "G00000", "g00001", "E01000001", "Area12", "ABC", "abc", "A1B", "Total", "TOTAL", "ALL",
      "All", "Groups", "BACKGROUNDS", "Ethnicity", "ethnicities", "AND", "Or", "BAME", "bme",
      "Other", "OTHER", "White", "WHITE", "Chinese", "Traveller", "Arab", "123", "0042", "A",
      "Z", "99", "98", "1A", "AB", "Ab", "XYZ", "X99", "T12", "W1", "zz", "Mixed", "Roma",
      "Gypsy", "Irish", "unknown", "Unknown", "NULL", "null", "refused", "Refused",
    ]
    for word in words { words.append(word.uppercased()) }
    for target in ["raw"] {
      for options in [
        EthnicityNormaliser.Options(),
        EthnicityNormaliser.Options(letterCodes: .nhsWales, numericCodes: "ons-2011"),
      ] {
        let normaliser = try EthnicityNormaliser(
          catalogue: catalogue, target: target, options: options)
        for word in words {
          #expect(
            normaliser.readRawToken(word) == normaliser.readRawToken(word, readingInFull: true),
            "\(word)")
        }
      }
    }
  }
}

/// The test of first and last bytes that spares most plain words the lookup in the set of
/// blocking words.
struct WordEndsTests {
  @Test func everyWordOfTheSetMayBeInIt() throws {
    let catalogue = try EthnicityCatalogue.builtIn()
    for word in catalogue.rawWordBlockers {
      #expect(catalogue.rawWordBlockerEnds.mayContain(word), "\(word)")
    }
  }

  @Test func wordsWithOtherEndsAreNotInIt() {
    let ends = WordEnds([
      "white", "irish", "total", "a-z", "caf\u{E9}", String(repeating: "x", count: 40),
    ])
    #expect(ends.mayContain("white"))
    #expect(ends.mayContain("wrath"))  // same length and ends: looked up in the set
    #expect(ends.mayContain("caf\u{E9}"))
    #expect(ends.mayContain(String(repeating: "y", count: 40)))  // too long to tell
    #expect(!ends.mayContain("g00000"))
    #expect(!ends.mayContain("whites"))
    #expect(!ends.mayContain("whitx"))
    #expect(!ends.mayContain("xhite"))
    #expect(!ends.mayContain(""))
  }
}
