// The DisparityInequality module: summary measures of inequality across the groups of one
// dimension (WHO HEAT / healthequal; PHEindicatormethods `phe_sii`). See ARCHITECTURE.md for
// where it sits in the data flow. The entry point is `Inequality.measures(_:options:only:)`.
