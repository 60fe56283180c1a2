import DisparityIngest

/// Everything `disparity analyse` needs to know, as typed values.
///
/// The command line and a configuration file both fill one of these; library users build it
/// directly. Defaults are the common case and are stated in every report: the ESP2013 standard,
/// 95% intervals, Dobson intervals for standardised rates, the largest group as reference.
public struct AnalysisSpecification: Sendable, Equatable {
  /// What is measured in each group.
  public enum Measure: String, Sendable, CaseIterable {
    /// Events per population (person-years), × multiplier (default 100,000).
    case rate
    /// Events out of trials, × multiplier (default 100).
    case proportion
    /// The mean of a value recorded per row (e.g. length of stay), with a t interval; groups
    /// are compared by the difference of means (Welch).
    case mean
  }

  /// Which group every other group is compared with.
  public enum Reference: Sendable, Equatable {
    /// A named group (a code or label of the target scheme).
    case group(String)
    /// The group with the largest population.
    case largest
    /// The whole population, all groups together.
    case overall
    /// No comparison.
    case none

    /// Parses `GROUP`, `largest`, `overall` or `none`.
    public init(parsing text: String) {
      switch text.lowercased() {
      case "largest": self = .largest
      case "overall": self = .overall
      case "none": self = .none
      default: self = .group(text)
      }
    }
  }

  /// What happens to records whose ethnicity is not stated or not known.
  public enum UnknownEthnicity: String, Sendable, CaseIterable {
    /// Leave them out of every group (their share is still reported).
    case exclude
    /// Leave them out, and scale each known group's events up by total ÷ known
    /// (Aldridge et al. 2020), within each stratum of `--by`.
    case redistribute
  }

  /// The input files (`-` is standard input).
  public var inputs: [String]
  /// The column of event counts; `nil` means each row is one event (record-level data).
  public var numerator: String?
  /// The column of population, person-years or trials.
  public var denominator: String?
  /// A separate file of denominators, joined on the group, age and `by` columns.
  public var populationFile: String?
  /// The grouping column; `nil` means the detected ethnicity column.
  public var group: String?
  /// The target ethnicity classification (`raw` keeps labels as they are).
  public var scheme: String
  /// The age column (years or bands); enables standardisation.
  public var age: String?
  /// The standard population: a built-in name or a CSV file `age_band,population`.
  public var standard: String
  /// Further strata: results for each combination of these columns.
  public var by: [String]
  /// Rates or proportions.
  public var measure: Measure
  /// The multiplier; `nil` means 100,000 for rates and 100 for proportions.
  public var multiplier: Double?
  /// One or two confidence levels, e.g. `[0.95, 0.998]`.
  public var confidence: [Double]
  /// The reference group for ratios and differences.
  public var reference: Reference
  /// Whether to standardise indirectly as well (SMR, ISR).
  public var indirect: Bool
  /// Reference rates for indirect standardisation; `nil` means all groups together.
  public var referenceRates: String?
  /// The interval method by name (dobson, fay-feuer, tiwari, exact, byar, wilson, clopper-pearson).
  public var ciMethod: String?
  /// Whether machine outputs skip disclosure control (never the default).
  public var noSuppress: Bool
  /// What to do with records of unknown ethnicity.
  public var unknown: UnknownEthnicity
  /// Whether unmapped ethnicity values are an error rather than reported.
  public var strict: Bool
  /// A user mapping file (`value,target`) that overrides the built-in matching.
  public var mappingFile: String?
  /// Counts from 1 to this threshold are suppressed in outputs unless `noSuppress` (default 7, the
  /// NHS Digital HES rule).
  public var suppressThreshold: Double
  /// Whether to add the summary measures of inequality across groups.
  public var inequality: Bool
  /// Whether higher values of the indicator are better (e.g. screening); otherwise worse.
  public var favourable: Bool
  /// A `--by` column that is an ordered dimension (e.g. deprivation quintile, 1 most deprived)
  /// for the ordered inequality measures within each group.
  public var ordered: String?
  /// Columns to adjust for in a Poisson regression of the events (age re-banded, sex,
  /// deprivation, area...): adjusted rate ratios against the reference group.
  public var adjust: [String]
  /// Whether the regression uses the quasi-Poisson dispersion for its standard errors.
  public var quasi: Bool
  /// The column giving how many events each person in the row had (PHE `eventfreq`): the
  /// numerator then counts the events of people with that frequency, and standardised rates use
  /// the non-independent-events variance (people may have several events, e.g. admissions).
  public var eventFrequency: String?
  /// Whether to build the presentation report (policy table, key findings, charts, input
  /// checksums) as well as the tidy table. Machine-only runs (CSV) can leave it out.
  public var presentation: Bool = true
  /// The report's title.
  public var title: String
  /// The input delimiter; `nil` means detect it.
  public var delimiter: CSVDelimiter?

  /// A specification with the stated defaults for the given input files.
  public init(inputs: [String]) {
    self.inputs = inputs
    self.numerator = nil
    self.denominator = nil
    self.populationFile = nil
    self.group = nil
    self.scheme = "nhs-2001"
    self.age = nil
    self.standard = "esp2013"
    self.by = []
    self.measure = .rate
    self.multiplier = nil
    self.confidence = [0.95]
    self.reference = .largest
    self.indirect = false
    self.referenceRates = nil
    self.ciMethod = nil
    self.noSuppress = false
    self.unknown = .exclude
    self.strict = false
    self.mappingFile = nil
    self.delimiter = nil
    self.suppressThreshold = 7
    self.inequality = false
    self.favourable = false
    self.ordered = nil
    self.adjust = []
    self.eventFrequency = nil
    self.quasi = false
    self.title = "Rates by ethnic group"
  }

  /// The multiplier in force: the user's, or 100,000 for rates, 100 for proportions, 1 for means.
  public var effectiveMultiplier: Double {
    if let multiplier { return multiplier }
    switch measure {
    case .rate: return 100_000
    case .proportion: return 100
    case .mean: return 1
    }
  }
}
