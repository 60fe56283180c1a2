import DisparityInequality
import DisparityIngest
import DisparityNormalise
import DisparityReport
import DisparityStatistics
import DisparityTabulate
import Foundation

/// The whole flow of `disparity analyse`: ingest, normalise, tabulate, compute, report.
///
/// ```swift
/// var spec = AnalysisSpecification(inputs: ["admissions.csv"])
/// spec.age = "age"
/// spec.populationFile = "population.csv"
/// let result = try Analysis(specification: spec).run()
/// for group in result.groups { print(group.label, group.standardised?.value ?? .nan) }
/// ```
public struct Analysis: Sendable {
  /// What to analyse and how.
  public var specification: AnalysisSpecification

  /// Creates an analysis.
  public init(specification: AnalysisSpecification) {
    self.specification = specification
  }

  /// Runs the analysis.
  ///
  /// - Throws: an error conforming to `DisparityError` (bad data: exit status 1; bad usage: 2)
  ///   that names the file, line and column where it can.
  public func run() throws -> AnalysisResult {
    let spec = specification
    guard !spec.inputs.isEmpty else { throw AnalysisError.noInput }
    if spec.inputs.filter({ $0 == "-" }).count > 1 { throw AnalysisError.standardInputTwice }
    let levels = try spec.confidence.map { value throws(StatisticsError) in
      try ConfidenceLevel(value)
    }
    let methods = try IntervalChoice(spec.ciMethod, measure: spec.measure)
    if spec.indirect && spec.age == nil { throw AnalysisError.indirectNeedsAge }
    if spec.indirect && spec.measure != .rate { throw AnalysisError.indirectNeedsRates }
    if spec.measure == .mean {
      if spec.numerator == nil { throw AnalysisError.meanNeedsValues }
      if spec.age != nil || spec.populationFile != nil || spec.denominator != nil
        || !spec.adjust.isEmpty || spec.eventFrequency != nil
      {
        throw AnalysisError.meanTakesNoDenominators
      }
    }

    // 1. Reference rates from a file, whose extra key columns (e.g. region) the population
    //    needs as well.
    // --reference-rates is a file, or else the name of a group whose rates are the reference.
    let referenceRatesGroup = spec.referenceRates.flatMap {
      FileManager.default.fileExists(atPath: $0) ? nil : $0
    }
    let referenceFile = try spec.referenceRates.flatMap { path in
      referenceRatesGroup != nil
        ? nil
        : try ReferenceRateFile(
          path: path, ageColumn: spec.age!, multiplier: spec.effectiveMultiplier)
    }
    let extraKeys = referenceFile?.extraKeys ?? []
    // --adjust columns other than age are tabulated after the --by columns.
    let adjustsAge = spec.age != nil && spec.adjust.contains(spec.age!)
    let adjustColumns = spec.adjust.filter { $0 != spec.age }
    if !spec.adjust.isEmpty && !spec.denominatorExpected {
      throw AnalysisError.adjustNeedsPopulation
    }

    // 2. Tabulate the inputs (and the population file) by raw stratum.
    // The classifications are loaded meanwhile (once per process, and needed in step 3), on a
    // thread of their own: queued on the pool, the load held one of the threads the parallel
    // reading needed (see ``BackgroundWork``).
    EthnicityCatalogue.preloadBuiltIn()
    let populationInSameFile = spec.populationFile == nil && spec.denominator != nil
    let frequencyColumn = spec.eventFrequency.map { [$0] } ?? []
    var eventsRequest = TabulationRequest(
      group: spec.group, age: spec.age, by: spec.by + adjustColumns + frequencyColumn,
      events: spec.numerator,
      population: populationInSameFile ? spec.denominator : nil)
    if populationInSameFile { eventsRequest.by += extraKeys }
    // Observed totals without an age breakdown are enough for indirect standardisation.
    eventsRequest.ageOptional = spec.indirect && spec.populationFile != nil
    var events = StrataCounts()
    var groupColumn = spec.group
    for input in spec.inputs {
      let part = try Tabulator.tabulate(input, request: eventsRequest, delimiter: spec.delimiter)
      if groupColumn == nil { groupColumn = part.groupColumn }
      eventsRequest.group = groupColumn
      events.merge(part.counts)
    }
    var population: StrataCounts? = populationInSameFile ? events : nil
    if let file = spec.populationFile {
      let request = TabulationRequest(
        group: groupColumn, age: spec.age, by: spec.by + adjustColumns + extraKeys, events: nil,
        population: spec.denominator ?? "population")
      population = try Tabulator.tabulate(file, request: request, delimiter: spec.delimiter)
        .counts
    }

    // 3. Classify each distinct group label once.
    let catalogue = try EthnicityCatalogue.builtIn()
    let mapping = try spec.mappingFile.map { path in
      try EthnicityUserMapping(contentsOf: path, scheme: try catalogue.scheme(named: spec.scheme))
    }
    let normaliser = try EthnicityNormaliser(
      catalogue: catalogue, target: spec.scheme, userMapping: mapping, strict: spec.strict)
    var classifier = GroupClassifier(normaliser: normaliser)
    var quality = EthnicityDataQuality(scheme: normaliser.target)
    let eventGroups = try classifier.classify(events, quality: &quality, file: "input")
    if spec.strict {
      do {
        try quality.checkStrict()
      } catch let error as EthnicityError {
        // Point at the row where the first listed value was first seen.
        throw StrictModeError(error: error) { value in
          (0..<events.groups.count).first { events.groups.string(Int32($0)) == value }
            .flatMap { $0 < events.groupFirstSeen.count ? events.groupFirstSeen[$0] : nil }
        }
      }
    }
    // The population in the events' own file has the same labels: classified once.
    let populationGroups =
      populationInSameFile
      ? eventGroups
      : try population.map { counts in
        var ignored = EthnicityDataQuality(scheme: normaliser.target)
        return try classifier.classify(counts, quality: &ignored, file: "population")
      }

    // 4. Age bands: the standard's bands (merged where the data's bands span several), and the
    //    reference rates' bands for indirect standardisation.
    let eventsHaveAge = spec.age != nil && events.ages.count > 0
    var standardBands: AgeAlignment? = nil
    if let ageColumn = spec.age {
      var labels: [(String, SourceLocation)] = []
      if eventsHaveAge {
        labels += events.ages.strings.map {
          ($0, SourceLocation(file: spec.inputs[0], columnName: ageColumn))
        }
      }
      if let population {
        labels += population.ages.strings.map {
          ($0, SourceLocation(file: spec.populationFile ?? spec.inputs[0], columnName: ageColumn))
        }
      }
      if eventsHaveAge {
        let standard = try StandardPopulation.named(orPath: spec.standard)
        do {
          standardBands = try AgeAlignment(
            standard: standard, labels: labels, recordLevel: spec.numerator == nil)
        } catch let error as AgeBandingError {
          // Tabulation keeps each distinct label without its place; find the row it came from.
          throw error.locatingLabels { label, location in
            let inPopulation = spec.populationFile != nil && location?.file == spec.populationFile
            return firstRow(
              holding: label, column: ageColumn,
              files: inPopulation ? [spec.populationFile!] : spec.inputs, delimiter: spec.delimiter)
          }
        }
      }
    }
    var referenceBands: AgeAlignment? = nil
    if let referenceFile, let population {
      referenceBands = try referenceFile.alignment(
        populationLabels: population.ages.strings,
        file: spec.populationFile ?? spec.inputs[0], ageColumn: spec.age!)
    }

    // 5. Cubes: stratum × group × band.
    var cube = Cube(
      byColumns: spec.by.count, adjustColumns: adjustColumns.count, extraKeys: extraKeys.count)
    cube.hasFrequency = spec.eventFrequency != nil
    // Notes that reveal no group's count go into the report; the per-group counts of the
    // ethnicity summary go to standard error only (they would undo disclosure control).
    var inputNotes = events.inputNotes(file: spec.inputs.joined(separator: ", "), kind: "events")
    // With the population in the events' file they are the same counts, already noted above.
    if let population, !populationInSameFile {
      inputNotes += population.inputNotes(
        file: spec.populationFile ?? spec.inputs.joined(separator: ", "), kind: "population")
    }
    // The population in the events' own counts is summed in the same pass where it can be.
    let populationToo =
      populationInSameFile && referenceBands == nil && eventsHaveAge == (standardBands != nil)
    // Without --adjust the events' counts are done with once the cube holds them: the cube is
    // handed their only copy, and frees them as soon as they are summed, so that its cells and
    // the results reuse their memory rather than touch fresh pages (an aggregated file's counts
    // are tens of megabytes; a fresh page costs about 1.5 µs to fault in here).
    let populationAdded: Bool
    if spec.adjust.isEmpty
      && (!populationInSameFile || (populationToo && cube.sumsPlainly(events)))
    {
      // (The population in the events' file is the same counts, summed in the same pass.)
      if populationInSameFile { population = nil }
      populationAdded = try cube.addEvents(
        consume events, groups: eventGroups, bands: standardBands, hasAge: eventsHaveAge,
        populationToo: populationToo)
      events = StrataCounts()
    } else {
      populationAdded = try cube.addEvents(
        events, groups: eventGroups, bands: standardBands, hasAge: eventsHaveAge,
        populationToo: populationToo)
    }
    if let population, let populationGroups, !populationAdded {
      try cube.addPopulation(
        population, groups: populationGroups, bands: standardBands,
        referenceBands: referenceBands)
      if populationInSameFile && spec.eventFrequency != nil {
        try cube.settleFrequencyPopulations()
      }
    }
    var redistributionNotes: [String] = []
    if spec.unknown == .redistribute {
      redistributionNotes = cube.redistributeUnknown()
    }
    // A population from a file of its own is done with too, without --adjust (counts handed
    // to the cube are freed there already).
    if spec.adjust.isEmpty && (population != nil || events.strataCount > 0) {
      Self.freeElsewhere((events, population))
      events = StrataCounts()
      population = nil
    }

    // 6. Statistics per stratum and group, and comparisons with the reference group.
    let orderNumbers = classifier.orderNumbers(for: normaliser.target)
    let calculator = GroupCalculator(
      specification: spec, levels: levels, methods: methods,
      weights: standardBands?.aligned.weights, referenceFile: referenceFile,
      referenceBandCount: referenceBands?.aligned.bands.count ?? 0,
      groupOrder: orderNumbers.map { classifier.firstSeen[$0] },
      groupOrderNumbers: orderNumbers,
      groupOrderLabels: orderNumbers.map { classifier.labelsByNumber[$0] },
      labels: classifier.labels,
      normaliser: normaliser, referenceRatesGroup: referenceRatesGroup)
    var results: [GroupResult] = []
    var referenceNames: [String] = []
    for stratum in cube.strata {
      let computed = try calculator.compute(stratum: stratum, cube: cube)
      // The first stratum's results are taken as they are (no copy of each group's result).
      if results.isEmpty { results = computed.results } else { results += computed.results }
      if let name = computed.referenceName, !referenceNames.contains(name) {
        referenceNames.append(name)
      }
    }
    guard !results.isEmpty else {
      throw AnalysisError.noKnownGroups(
        spec.inputs.joined(separator: ", "), summary: quality.text(weightUnit: "events"))
    }
    let cubeNotes = cube.joinNotes()
    Self.freeElsewhere(consume cube)
    if !spec.noSuppress {
      // Reference rates taken from the data (all groups, or a named group rather than a file)
      // tie the expected counts to counts that may be withheld.
      var control = DisclosureControl(specification: spec)
      control.expectedEmbedsTotals = spec.indirect && referenceFile == nil
      control.apply(to: &results)
    }

    // 7. The report.
    var tidy = TidyTableBuilder(
      byColumns: spec.by, levels: levels, proportions: spec.measure == .proportion,
      indirect: spec.indirect)
    tidy.means = spec.measure == .mean
    let table = tidy.build(results)
    var extraTables: [ResultTable] = []
    if spec.inequality {
      let inequality = AnalysisInequality(
        byColumns: spec.by, ordered: spec.ordered,
        direction: spec.favourable ? .favourable : .adverse, scale: spec.effectiveMultiplier,
        options: InequalityOptions(confidence: levels[0].value))
      extraTables.append(try inequality.table(from: results))
    }
    var adjustmentNotes: [String] = []
    if !spec.adjust.isEmpty, let population, let populationGroups {
      if adjustsAge && standardBands == nil { throw AnalysisError.adjustNeedsAgeSpecificEvents }
      var adjustment = AnalysisAdjustment(
        byColumns: spec.by, columns: adjustColumns, adjustsAge: adjustsAge, levels: levels,
        quasi: spec.quasi)
      adjustment.proportions = spec.measure == .proportion
      let (table, notes) = try adjustment.table(
        events: events, eventGroups: eventGroups, population: population,
        populationGroups: populationGroups, bands: standardBands, results: results,
        labels: classifier.labels)
      extraTables.append(table)
      adjustmentNotes = notes
    }
    let methodsNotes =
      calculator.methodsNotes(
        standard: standardBands, referenceBands: referenceBands, referenceNames: referenceNames,
        redistribution: redistributionNotes) + adjustmentNotes
    inputNotes += cubeNotes
    // With --adjust the counts lived until here (without it they are freed already).
    if !spec.adjust.isEmpty { Self.freeElsewhere((consume events, consume population)) }
    var report: Report
    if spec.presentation {
      report = PresentationReportBuilder(specification: spec, levels: levels).report(
        results: results, tidyTable: table, methods: methodsNotes, dataQuality: quality,
        notes: inputNotes, provenance: try ReportProvenance.analysis(spec),
        metadata: [("Ethnicity classification", normaliser.target.name)])
    } else {
      // The tidy table alone, for machine outputs.
      report = Report(
        title: spec.title, tables: [table], methods: methodsNotes, dataQuality: inputNotes)
    }
    report.tables += extraTables
    let qualityLines =
      quality.text(weightUnit: "events").split(separator: "\n").map(String.init) + inputNotes
    return AnalysisResult(
      report: report, groups: results, dataQuality: quality,
      dataQualityText: qualityLines.joined(separator: "\n"))
  }

  /// Lets `value` be freed on another thread, while this one goes on to the results.
  ///
  /// An aggregated input's cube and counts are tens of thousands of arrays and tens of
  /// megabytes: freeing the cube of 20,000 groups cost the calling thread 16 million
  /// instructions, with the other core idle.
  private static func freeElsewhere<T: Sendable>(_ value: consuming T) {
    let held = value
    BackgroundWork.start { withExtendedLifetime(held) {} }
  }
}
/// Strict mode's error (unmapped values or collective terms), placed at the first row holding
/// the first value it lists, so the message names file, line and column like other data errors.
struct StrictModeError: DisparityError {
  /// The error listing the values.
  let error: EthnicityError
  /// Where the first listed value was first seen, when known.
  let location: SourceLocation?

  /// Places `error` with `locate`, which gives the first row holding a raw value.
  init(error: EthnicityError, locate: (String) -> SourceLocation?) {
    self.error = error
    if case .unmappedValues(_, let unmapped, let collective) = error,
      let first = (unmapped + collective).first
    {
      location = locate(first.value)
    } else {
      location = error.location
    }
  }

  var kind: ErrorKind { error.kind }

  var description: String {
    guard let location, error.location == nil else { return error.description }
    return "\(location): \(error.description)"
  }
}

/// The first row of `files` whose `column` holds `label` (trimmed), for a message about a label
/// that tabulation kept without its place; `nil` if none is found.
///
/// It reads the files again, so it is for error paths only; standard input, already read, is
/// skipped.
func firstRow(holding label: String, column: String, files: [String], delimiter: CSVDelimiter?)
  -> SourceLocation?
{
  struct Found: Error { let location: SourceLocation }
  for file in files where file != "-" {
    guard let reader = try? CSVReader(path: file, options: CSVReadOptions(delimiter: delimiter)),
      let index = reader.header.firstIndex(of: column)
    else { continue }
    do {
      try reader.forEachRecord { record in
        if index < record.count && record[index].trimmed.equals(label) {
          throw Found(location: record.location(column: index))
        }
      }
    } catch let found as Found {
      return found.location
    } catch {
      continue
    }
  }
  return nil
}

extension AgeBandingError {
  /// The same error with each label's location replaced by `locate(label, location)` where that
  /// finds one (e.g. the file, line and column of the first row holding the label).
  func locatingLabels(_ locate: (String, SourceLocation?) -> SourceLocation?) -> AgeBandingError {
    func at(_ label: String, _ location: SourceLocation?) -> SourceLocation? {
      locate(label, location) ?? location
    }
    switch self {
    case .unrecognisedLabel(let label, let location):
      return .unrecognisedLabel(label, location: at(label, location))
    case .implausibleAge(let label, let location):
      return .implausibleAge(label, location: at(label, location))
    case .reversedBand(let label, let location):
      return .reversedBand(label, location: at(label, location))
    case .straddlesStandard(let label, let band, let location, let standard, let bands):
      return .straddlesStandard(
        label: label, band: band, location: at(label, location), standard: standard,
        standardBands: bands)
    case .outsideStandard(let label, let band, let location, let standard, let bands):
      return .outsideStandard(
        label: label, band: band, location: at(label, location), standard: standard,
        standardBands: bands)
    case .overlappingLabels(let first, let firstLocation, let second, let secondLocation):
      return .overlappingLabels(
        first: first, firstLocation: at(first, firstLocation), second: second,
        secondLocation: at(second, secondLocation))
    case .straddlesAnalysisBands(let label, let band, let location, let bands):
      return .straddlesAnalysisBands(
        label: label, band: band, location: at(label, location), analysisBands: bands)
    case .standardBandsWithoutData:
      return self
    }
  }
}

/// The results of one analysis: the report, and the same numbers as typed values.
public struct AnalysisResult: Sendable {
  /// The report, ready for any renderer.
  public var report: Report
  /// One result per group (per stratum of `--by`), in the table's order.
  public var groups: [GroupResult]
  /// The ethnicity data-quality summary of the input.
  public var dataQuality: EthnicityDataQuality
  /// The data-quality summary as plain English lines, for standard error.
  public var dataQualityText: String
}

/// The version of the toolkit, stated in reports.
public enum DisparityVersion {
  /// The version string.
  public static let current = "0.1.0"
}

/// A problem with how an analysis was asked for.
public enum AnalysisError: DisparityError, Equatable {
  /// No input file was given.
  case noInput
  /// Standard input was named more than once.
  case standardInputTwice
  /// `--indirect` without `--age`.
  case indirectNeedsAge
  /// `--indirect` with `--measure proportion`.
  case indirectNeedsRates
  /// An unknown `--ci-method` for the measure.
  case unknownIntervalMethod(String, available: [String])
  /// `--reference GROUP` names no group in the data.
  case unknownReferenceGroup(String, available: [String])
  /// Indirect standardisation from the data needs events by age.
  case indirectNeedsAgeSpecificEvents
  /// A total row (e.g. "All" or "White: Total") among the groups.
  case totalRow(String, SourceLocation)
  /// A reference-rates file problem.
  case referenceRates(String, SourceLocation)
  /// `--measure mean` without the value column.
  case meanNeedsValues
  /// `--measure mean` with options that belong to rates.
  case meanTakesNoDenominators
  /// No record has a known group: every value was unknown, unmapped or a collective term.
  case noKnownGroups(String, summary: String)
  /// An event frequency that is not a positive number.
  case badEventFrequency(String)
  /// Frequency rows of one cell with different populations.
  case inconsistentFrequencyPopulation(group: String, frequency: Double, stratum: [String])
  /// `--adjust` without populations.
  case adjustNeedsPopulation
  /// `--adjust` for age without events by age.
  case adjustNeedsAgeSpecificEvents
  /// `--ordered` names a column that is not one of the `--by` columns.
  case orderedNotABy(String, by: [String])

  public var kind: ErrorKind {
    switch self {
    case .totalRow, .referenceRates, .noKnownGroups, .badEventFrequency,
      .inconsistentFrequencyPopulation:
      return .data
    default: return .usage
    }
  }

  public var location: SourceLocation? {
    switch self {
    case .totalRow(_, let l), .referenceRates(_, let l): return l
    default: return nil
    }
  }

  public var description: String {
    switch self {
    case .noInput:
      return "no input file: name one or more CSV files, or - for standard input."
    case .standardInputTwice:
      return "standard input (-) can be read only once; name it once."
    case .indirectNeedsAge:
      return "--indirect standardises by age: name the age column with --age."
    case .indirectNeedsRates:
      return "--indirect gives standardised ratios of rates; use it with --measure rate."
    case .unknownIntervalMethod(let name, let available):
      return
        "--ci-method: \"\(name)\" is not a method for this measure. Choose from: \(available.joined(separator: ", "))."
    case .unknownReferenceGroup(let name, let available):
      return
        "--reference: no group \"\(name)\" in the data. The groups are: \(available.joined(separator: "; ")); or use largest, overall or none."
    case .indirectNeedsAgeSpecificEvents:
      return
        "--indirect without --reference-rates takes reference rates from the data, which needs events by age: add --age to events, or give --reference-rates FILE."
    case .totalRow(let value, let l):
      return
        "\(l): \"\(value)\" is a total, not an ethnic group; adding it to the groups would count people twice. Remove total rows from the file."
    case .referenceRates(let problem, let l):
      return "\(l): \(problem)"
    case .meanNeedsValues:
      return
        "--measure mean averages a value recorded on each row: name its column with --numerator COL."
    case .meanTakesNoDenominators:
      return
        "--measure mean compares the means of a value across groups; it takes no --age, --population, --denominator, --adjust or --event-frequency (those are for rates)."
    case .noKnownGroups(let files, let summary):
      return
        "\(files): no record has a known ethnic group, so there is nothing to analyse. Check --group and --scheme (raw keeps labels as they are), or add a --mapping file.\n\(summary)"
    case .badEventFrequency(let text):
      return
        "--event-frequency: \"\(text)\" is not a number of events per person; each row needs a positive number (1, 2, 3, ...)."
    case .inconsistentFrequencyPopulation(let group, let frequency, let stratum):
      return
        "--event-frequency: group \(group)\(stratum.isEmpty ? "" : " (" + stratum.joined(separator: ", ") + ")") has a different population on its rows for \(CSVRenderer.format(frequency)) events per person than on its other frequency rows; the population of an age band must be the same on every frequency row."
    case .adjustNeedsPopulation:
      return
        "--adjust models events over population: give --denominator COL or --population FILE."
    case .adjustNeedsAgeSpecificEvents:
      return
        "--adjust with the age column needs events by age: the input has no age breakdown."
    case .orderedNotABy(let name, let by):
      return
        "--ordered \(name): the ordered dimension must be one of the --by columns (\(by.isEmpty ? "none given" : by.joined(separator: ", "))); add --by \(name)."
    }
  }
}
