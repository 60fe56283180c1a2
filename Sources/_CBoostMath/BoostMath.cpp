// Boost.Math distribution quantiles behind a C interface (see include/BoostMath.h).
// Boost's default policy throws on domain errors; these wrappers use a policy that
// returns NaN instead, so no exception ever reaches Swift.
#include "BoostMath.h"

#include <boost/math/distributions/beta.hpp>
#include <boost/math/distributions/chi_squared.hpp>
#include <boost/math/distributions/gamma.hpp>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/poisson.hpp>
#include <boost/math/distributions/students_t.hpp>
#include <boost/math/policies/policy.hpp>

#include <limits>

namespace {

using namespace boost::math::policies;

typedef policy<
    domain_error<ignore_error>,
    pole_error<ignore_error>,
    overflow_error<ignore_error>,
    evaluation_error<ignore_error>,
    rounding_error<ignore_error>,
    promote_double<false> >
    NaNPolicy;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

template <typename F>
double guarded(F f) {
  try {
    return f();
  } catch (...) {
    return kNaN;
  }
}

bool isProbability(double p) { return p >= 0.0 && p <= 1.0; }

}  // namespace

extern "C" double disparity_normal_quantile(double p) {
  if (!isProbability(p)) return kNaN;
  return guarded([&] {
    return boost::math::quantile(boost::math::normal_distribution<double, NaNPolicy>(0.0, 1.0), p);
  });
}

extern "C" double disparity_normal_cdf(double x) {
  return guarded([&] {
    return boost::math::cdf(boost::math::normal_distribution<double, NaNPolicy>(0.0, 1.0), x);
  });
}

extern "C" double disparity_chi_squared_quantile(double p, double df) {
  if (!isProbability(p) || !(df > 0.0)) return kNaN;
  return guarded([&] {
    return boost::math::quantile(boost::math::chi_squared_distribution<double, NaNPolicy>(df), p);
  });
}

extern "C" double disparity_chi_squared_cdf(double x, double df) {
  if (!(df > 0.0) || x < 0.0) return kNaN;
  return guarded([&] {
    return boost::math::cdf(boost::math::chi_squared_distribution<double, NaNPolicy>(df), x);
  });
}

extern "C" double disparity_gamma_quantile(double p, double shape, double scale) {
  if (!isProbability(p) || !(shape > 0.0) || !(scale > 0.0)) return kNaN;
  return guarded([&] {
    return boost::math::quantile(boost::math::gamma_distribution<double, NaNPolicy>(shape, scale), p);
  });
}

extern "C" double disparity_beta_quantile(double p, double a, double b) {
  if (!isProbability(p) || !(a > 0.0) || !(b > 0.0)) return kNaN;
  return guarded([&] {
    return boost::math::quantile(boost::math::beta_distribution<double, NaNPolicy>(a, b), p);
  });
}

extern "C" double disparity_students_t_quantile(double p, double df) {
  if (!isProbability(p) || !(df > 0.0)) return kNaN;
  return guarded([&] {
    return boost::math::quantile(boost::math::students_t_distribution<double, NaNPolicy>(df), p);
  });
}

extern "C" double disparity_students_t_cdf(double x, double df) {
  if (!(df > 0.0)) return kNaN;
  return guarded([&] {
    return boost::math::cdf(boost::math::students_t_distribution<double, NaNPolicy>(df), x);
  });
}

extern "C" double disparity_poisson_cdf(double k, double mean) {
  if (!(mean > 0.0) || k < 0.0) return kNaN;
  return guarded([&] {
    return boost::math::cdf(boost::math::poisson_distribution<double, NaNPolicy>(mean), k);
  });
}
