// C interface to the Boost.Math distribution functions used by disparity.
// Every function returns NaN for arguments outside the distribution's domain
// instead of throwing a C++ exception across the C boundary.
#ifndef DISPARITY_BOOST_MATH_H
#define DISPARITY_BOOST_MATH_H

#ifdef __cplusplus
extern "C" {
#endif

/// Quantile of the standard normal distribution.
double disparity_normal_quantile(double p);
/// Cumulative distribution of the standard normal distribution.
double disparity_normal_cdf(double x);
/// Quantile of the chi-square distribution with `df` degrees of freedom.
double disparity_chi_squared_quantile(double p, double df);
/// Cumulative distribution of the chi-square distribution.
double disparity_chi_squared_cdf(double x, double df);
/// Quantile of the gamma distribution with the given shape and scale.
double disparity_gamma_quantile(double p, double shape, double scale);
/// Quantile of the beta distribution.
double disparity_beta_quantile(double p, double a, double b);
/// Quantile of Student's t distribution with `df` degrees of freedom.
double disparity_students_t_quantile(double p, double df);
/// Cumulative distribution of Student's t distribution.
double disparity_students_t_cdf(double x, double df);
/// Cumulative distribution of the Poisson distribution, P(X <= k).
double disparity_poisson_cdf(double k, double mean);

#ifdef __cplusplus
}
#endif

#endif
