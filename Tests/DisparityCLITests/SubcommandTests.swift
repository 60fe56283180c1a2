import Disparity
import Foundation
import Testing

/// The listing subcommands and the help of every subcommand.
@Suite("Subcommands")
struct SubcommandTests {
  @Test func schemesListsEveryClassificationWithItsSource() throws {
    let run = try CLI.run(["schemes"])
    #expect(run.status == 0)
    let catalogue = try EthnicityCatalogue.builtIn()
    for scheme in catalogue.schemes {
      #expect(run.stdout.contains("\(scheme.id)"), "\(scheme.id)")
      if !scheme.isRaw { #expect(run.stdout.contains("Source: \(scheme.source)")) }
    }
    #expect(run.stdout.contains("nhs-2001 (default)"))
  }

  @Test func schemesWithGroupsListsCodesAndLabels() throws {
    let run = try CLI.run(["schemes", "--groups", "nhs-2001"])
    #expect(run.status == 0)
    // NHS Data Dictionary ETHNIC CATEGORY: A White - British ... Z Not stated, 99 Not known.
    #expect(run.stdout.contains("A\tWhite - British"))
    #expect(run.stdout.contains("99\tNot known"))
    #expect(!run.stdout.contains("ons-2021"))
  }

  @Test func anUnknownSchemeIsAUsageErrorWithTheNearest() throws {
    let run = try CLI.run(["schemes", "ons-2012"])
    #expect(run.status == 2)
    #expect(run.stderr.contains("ons-2011") || run.stderr.contains("ons-2021"))
  }

  @Test func standardsListsEveryStandardWithItsSource() throws {
    let run = try CLI.run(["standards"])
    #expect(run.status == 0)
    for standard in try StandardPopulation.allBuiltIn() {
      #expect(run.stdout.contains("\(standard.id)"))
      #expect(run.stdout.contains("Source: \(standard.source)"))
    }
    #expect(run.stdout.contains("esp2013 (default): European Standard Population 2013"))
    // Eurostat 2013: 19 bands (0-4 ... 90+) summing to 100,000.
    #expect(run.stdout.contains("19 age bands, 0-4 to 90+; weights sum to 100000"))
  }

  @Test func standardsWithBandsListsTheWeights() throws {
    let run = try CLI.run(["standards", "--bands", "esp2013"])
    #expect(run.status == 0)
    // ESP2013 (Eurostat 2013): 0-4 weighs 5,000 and 90+ 1,000 (datasets/standard-populations/esp2013.csv).
    #expect(run.stdout.contains("0-4\t5000"))
    #expect(run.stdout.contains("90+\t1000"))
  }

  @Test(arguments: ["analyse", "normalise", "validate", "init", "schemes", "standards"])
  func everySubcommandHasHelpWithAnExample(_ name: String) throws {
    let run = try CLI.run(["help", name])
    #expect(run.status == 0)
    #expect(run.stdout.contains("Example"))
    #expect(run.stdout.contains("disparity \(name)"))
    #expect(run.stdout.contains("USAGE: disparity \(name)"))
  }

  @Test func initWritesTheTemplateToStandardOutput() throws {
    let run = try CLI.run(["init", "-"])
    #expect(run.status == 0)
    #expect(run.stdout == AnalysisOptions.template)
  }
}
