"""Independent checks for the values where disparity deliberately differs from healthequal.

Run: python3 independent_checks.py   (Python 3.11, numpy 2.x, statsmodels 0.15.0)

1. TI and MLD standard errors on the x1000 scale, by a first-order delta method whose gradient
   is taken by central finite differences of the point-estimate formula (no closed-form SE used).
2. The logistic SII/RII with each group weighted by its population once (LogisticWeighting
   .population), fitted by statsmodels' GLM (Binomial, var_weights = population) with its HC1
   HC0 sandwich covariance times J/(J - 2), the HC1 small-sample factor that R's sandwich package
   applies (statsmodels 0.15's GLM gives the same matrix for "HC0" and "HC1", without the factor;
   on healthequal's pop^2-weighted fit this reproduces healthequal's SE 0.0219082 exactly);
   delta-method gradient by central differences.
"""
import csv
import os

import numpy as np
import statsmodels.api as sm

HERE = os.path.dirname(os.path.abspath(__file__))


def load(name, est, se, pop):
    rows = list(csv.DictReader(open(os.path.join(HERE, name))))
    return (np.array([float(r[est]) for r in rows]), np.array([float(r[se]) for r in rows]),
            np.array([float(r[pop]) for r in rows]))


def theil(y, p):
    mu = (p * y).sum()
    r = y / mu
    return 1000 * (p * r * np.log(r)).sum()


def mld(y, p):
    mu = (p * y).sum()
    return 1000 * (p * -np.log(y / mu)).sum()


def delta_se(f, y, s, p):
    g = np.empty_like(y)
    for j in range(len(y)):
        h = 1e-5 * max(abs(y[j]), 1)
        up, dn = y.copy(), y.copy()
        up[j] += h
        dn[j] -= h
        g[j] = (f(up, p) - f(dn, p)) / (2 * h)
    return np.sqrt((g * g * s * s).sum())


for name, est, se, pop in [
    ("healthequal_tests_nonordered25.csv", "est", "se", "pop"),
    ("ethnicity6_input.csv", "cov_est", "cov_se", "pop"),
    ("ethnicity6_input.csv", "imr_est", "imr_se", "pop"),
    ("who_NonorderedSample.csv", "estimate", "se", "population"),
]:
    y, s, n = load(name, est, se, pop)
    p = n / n.sum()
    print(f"{name} {est}: ti_se={delta_se(theil, y, s, p)!r} mld_se={delta_se(mld, y, s, p)!r}")

# Logistic SII/RII, population weights.
y, s, n = load("healthequal_tests_ordered5.csv", "est", "se", "pop")
scale = 100.0
rank = (np.cumsum(n) - n / 2) / n.sum()
X = sm.add_constant(rank)
fit = sm.GLM(y / scale, X, family=sm.families.Binomial(), var_weights=n).fit(
    cov_type="HC0", tol=1e-14)
J = len(y)
V = fit.cov_params() * J / (J - 2)
b = fit.params


def curve(beta, r):
    return 1 / (1 + np.exp(-(beta[0] + beta[1] * r)))


def grad(f, beta):
    g = np.empty(2)
    for k in range(2):
        h = 1e-7
        up, dn = beta.copy(), beta.copy()
        up[k] += h
        dn[k] -= h
        g[k] = (f(up) - f(dn)) / (2 * h)
    return g


sii = lambda beta: curve(beta, 1) - curve(beta, 0)
lnrii = lambda beta: np.log(curve(beta, 1) / curve(beta, 0))
gs, gr = grad(sii, b), grad(lnrii, b)
print(f"logistic population weights: sii={scale * sii(b)!r} sii_se={scale * np.sqrt(gs @ V @ gs)!r} "
      f"rii={np.exp(lnrii(b))!r} lnrii_se={np.sqrt(gr @ V @ gr)!r}")

# PHE-style SII/RII: weighted least squares on the cumulative-midpoint rank (weights = population
# share) by numpy's polyfit (which takes sqrt-weights), and the exact standard deviation of the
# slope under independent normal errors, sqrt(sum c_j^2 se_j^2) with slope = sum c_j y_j, which a
# Monte Carlo standard deviation should approach.
share = n / n.sum()
slope, intercept = np.polyfit(rank, y, 1, w=np.sqrt(share))
xm = (share * rank).sum()
c = share * (rank - xm) / (share * (rank - xm) ** 2).sum()
print(f"wls: sii={slope!r} rii={(intercept + slope) / intercept!r} "
      f"sii_sd_normal={np.sqrt((c * c * s * s).sum())!r}")
