@_exported import DisparityInequality
// The umbrella module: `import Disparity` gives every stage of the flow.
@_exported import DisparityIngest
@_exported import DisparityLinearAlgebra
@_exported import DisparityNormalise
@_exported import DisparityRegression
@_exported import DisparityReport
@_exported import DisparityStatistics
@_exported import DisparityTabulate
