// The DisparityInequality module. See ARCHITECTURE.md for where it sits in the data flow.
