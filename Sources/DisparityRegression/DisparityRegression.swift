// The DisparityRegression module. See ARCHITECTURE.md for where it sits in the data flow.
