import DisparityIngest

/// A problem with an age label, or with fitting the data's ages to a standard population.
///
/// Every case is a data error (exit status 1): the message names the label, where it is, and
/// what would fix it.
public enum AgeBandingError: DisparityError, Equatable {
  /// The text is not an age or an age band in any accepted form (see ``AgeLabel``).
  case unrecognisedLabel(String, location: SourceLocation?)
  /// The age is above ``AgeLabel/maximumAge``.
  case implausibleAge(String, location: SourceLocation?)
  /// The band ends before it starts (`10-4`).
  case reversedBand(String, location: SourceLocation?)
  /// The band crosses a boundary of the standard's bands without being a union of them
  /// (`82-87` against `80-84`, `85-89`).
  case straddlesStandard(
    label: String, band: AgeBand, location: SourceLocation?, standard: String,
    standardBands: [AgeBand])
  /// The band holds ages that no band of the standard covers.
  case outsideStandard(
    label: String, band: AgeBand, location: SourceLocation?, standard: String,
    standardBands: [AgeBand])
  /// Two different bands of one file share ages, so a person would be counted twice.
  case overlappingLabels(
    first: String, firstLocation: SourceLocation?, second: String, secondLocation: SourceLocation?)
  /// Bands of the standard have no data at all.
  case standardBandsWithoutData(standard: String, bands: [AgeBand], dataBands: [AgeBand])
  /// A label first met after the bands were aligned crosses the boundary of an analysis band.
  case straddlesAnalysisBands(
    label: String, band: AgeBand, location: SourceLocation?, analysisBands: [AgeBand])

  public var kind: ErrorKind { .data }

  public var location: SourceLocation? {
    switch self {
    case .unrecognisedLabel(_, let location), .implausibleAge(_, let location),
      .reversedBand(_, let location):
      return location
    case .straddlesStandard(_, _, let location, _, _), .outsideStandard(_, _, let location, _, _),
      .straddlesAnalysisBands(_, _, let location, _):
      return location
    case .overlappingLabels(_, let location, _, _):
      return location
    case .standardBandsWithoutData:
      return nil
    }
  }

  public var description: String {
    func at(_ location: SourceLocation?) -> String { location.map { "\($0): " } ?? "" }
    switch self {
    case .unrecognisedLabel(let label, let location):
      return
        "\(at(location))\"\(label)\" is not an age or an age band. Write whole years (47) or a band such as 0-4, 00-04, \"0 to 4\", \"Age 0 to 4\", <1, \"Under 1\", 85+ or \"85 and over\"."
    case .implausibleAge(let label, let location):
      return
        "\(at(location))\"\(label)\" is above \(AgeLabel.maximumAge) years, which is not a plausible age. Check the column holds ages in years."
    case .reversedBand(let label, let location):
      return
        "\(at(location))the age band \"\(label)\" ends before it starts. Write the younger age first (0-4)."
    case .straddlesStandard(let label, let band, let location, let standard, let bands):
      return
        "\(at(location))the age band \"\(label)\" (\(band)) crosses a boundary of the \(standard) bands (\(bands.joinedLabels)): it is neither inside one band nor a union of whole bands. Re-band the data, or give a custom standard (--standard FILE) whose bands match the data's."
    case .outsideStandard(let label, let band, let location, let standard, let bands):
      return
        "\(at(location))the age band \"\(label)\" (\(band)) holds ages that the \(standard) bands (\(bands.joinedLabels)) do not cover. Give a standard that covers these ages (--standard FILE), or remove these rows."
    case .overlappingLabels(let first, let firstLocation, let second, let secondLocation):
      let firstPlace = firstLocation.map { " (\($0))" } ?? ""
      let secondPlace = secondLocation.map { " (\($0))" } ?? ""
      return
        "the age bands \"\(first)\"\(firstPlace) and \"\(second)\"\(secondPlace) share ages in one file, so people in both would be counted twice. Remove subtotal rows or use one set of bands per file."
    case .standardBandsWithoutData(let standard, let bands, let dataBands):
      return
        "the \(standard) bands \(bands.joinedLabels) have no rows in the data (the data's ages: \(dataBands.joinedLabels)). Add rows for these ages (with zero events where there were none), or give a standard that covers only the data's ages (--standard FILE)."
    case .straddlesAnalysisBands(let label, let band, let location, let bands):
      return
        "\(at(location))the age band \"\(label)\" (\(band)) was not among the ages read when the bands were aligned, and it crosses a boundary of the analysis bands (\(bands.joinedLabels)). Read every input's age labels before aligning the bands."
    }
  }
}
