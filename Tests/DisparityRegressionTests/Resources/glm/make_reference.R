# Reference fits for DisparityRegressionTests, from R's glm (stats package).
# Run from this folder:  Rscript make_reference.R
# Writes, for each problem NAME: NAME_data.csv (the input rows), NAME_coefficients.csv (one row per
# design column: term, variable, level, estimate, std_error, aliased) and NAME_summary.csv
# (deviance, null deviance, degrees of freedom, iterations, converged, dispersion, aic).
# Numbers are written with 17 significant digits so they round-trip exactly.
# Factor levels are sorted in the C locale (as the Swift builder's default `.sorted`), then the
# reference level is moved first with relevel().

set.seed(20240604)

sorted_factor <- function(x, ref) {
  levs <- sort(unique(x), method = "radix")  # radix sort = C-locale order
  relevel(factor(x, levels = levs), ref = ref)
}

fmt <- function(x) ifelse(is.na(x), "NA", sprintf("%.17g", x))

write_problem <- function(name, data, fit, factors, covariates = character()) {
  write.csv(data, paste0(name, "_data.csv"), row.names = FALSE, quote = TRUE)
  s <- summary(fit)
  co <- coef(fit)
  se <- rep(NA_real_, length(co))
  names(se) <- names(co)
  se[rownames(s$coefficients)] <- s$coefficients[, 2]
  variable <- character(); level <- character()
  for (nm in names(co)) {
    if (nm == "(Intercept)") { variable <- c(variable, nm); level <- c(level, ""); next }
    hit <- FALSE
    for (f in factors) {
      if (startsWith(nm, f) && substring(nm, nchar(f) + 1) %in% levels(data[[f]])) {
        variable <- c(variable, f); level <- c(level, substring(nm, nchar(f) + 1)); hit <- TRUE; break
      }
    }
    if (!hit) { variable <- c(variable, nm); level <- c(level, "") }
  }
  out <- data.frame(term = names(co), variable = variable, level = level,
                    estimate = fmt(unname(co)), std_error = fmt(unname(se)),
                    aliased = ifelse(is.na(co), "true", "false"))
  write.csv(out, paste0(name, "_coefficients.csv"), row.names = FALSE, quote = TRUE)
  aic <- if (is.na(fit$aic)) NA_real_ else fit$aic
  summ <- data.frame(deviance = fmt(fit$deviance), null_deviance = fmt(fit$null.deviance),
                     df_residual = fit$df.residual, df_null = fit$df.null, iterations = fit$iter,
                     converged = ifelse(fit$converged, "true", "false"),
                     dispersion = fmt(s$dispersion), aic = fmt(aic))
  write.csv(summ, paste0(name, "_summary.csv"), row.names = FALSE, quote = TRUE)
}

groups <- c("White British", "Asian", "Black", "Mixed", "Other", "White other")
ages <- c("0-17", "18-39", "40-59", "60-74", "75+")

# 1. Poisson with offset log(population) and three categorical factors.
grid <- expand.grid(ethnicity = groups, age = ages, sex = c("F", "M"), rep = 1:3,
                    stringsAsFactors = FALSE)
grid$rep <- NULL
n <- nrow(grid)
grid$population <- round(runif(n, 200, 60000))
eff_g <- c(0, 0.25, 0.4, 0.1, -0.2, 0.05)[match(grid$ethnicity, groups)]
eff_a <- c(-2, -1, 0, 1, 2)[match(grid$age, ages)]
eff_s <- ifelse(grid$sex == "M", 0.3, 0)
grid$deaths <- rpois(n, grid$population * exp(-7 + eff_g + eff_a + eff_s))
d1 <- grid
d1$ethnicity <- sorted_factor(d1$ethnicity, "White British")
d1$age <- sorted_factor(d1$age, "0-17")
d1$sex <- sorted_factor(d1$sex, "F")
f1 <- glm(deaths ~ ethnicity + age + sex + offset(log(population)), family = poisson, data = d1)
write_problem("poisson_offset", d1, f1, c("ethnicity", "age", "sex"))

# 2. Binomial, events out of trials, with two factors.
imd <- as.character(1:5)
grid <- expand.grid(ethnicity = groups, imd = imd, rep = 1:4, stringsAsFactors = FALSE)
grid$rep <- NULL
n <- nrow(grid)
grid$trials <- sample(5:400, n, replace = TRUE)
lin <- -1 + c(0, -0.3, -0.5, -0.2, 0.1, 0.2)[match(grid$ethnicity, groups)] +
  c(0.4, 0.2, 0, -0.2, -0.4)[match(grid$imd, imd)]
grid$vaccinated <- rbinom(n, grid$trials, plogis(lin))
d2 <- grid
d2$ethnicity <- sorted_factor(d2$ethnicity, "White British")
d2$imd <- sorted_factor(d2$imd, "1")
f2 <- glm(cbind(vaccinated, trials - vaccinated) ~ ethnicity + imd, family = binomial, data = d2)
write_problem("binomial_trials", d2, f2, c("ethnicity", "imd"))

# 3. Rank-deficient Poisson: areas nested in regions, so the region terms (entered after area)
#    are combinations of area terms and R reports them as NA.
areas <- sprintf("E%02d", 1:8)
region_of <- c("North", "North", "North", "Midlands", "Midlands", "South", "South", "South")
grid <- expand.grid(ethnicity = groups[1:4], area = areas, rep = 1:3, stringsAsFactors = FALSE)
grid$rep <- NULL
grid$region <- region_of[match(grid$area, areas)]
n <- nrow(grid)
grid$population <- round(runif(n, 1000, 20000))
grid$cases <- rpois(n, grid$population * exp(-6 + rnorm(8, 0, 0.3)[match(grid$area, areas)] +
  c(0, 0.3, 0.5, 0.2)[match(grid$ethnicity, groups)]))
d3 <- grid
d3$ethnicity <- sorted_factor(d3$ethnicity, "White British")
d3$area <- sorted_factor(d3$area, "E01")
d3$region <- sorted_factor(d3$region, "Midlands")
f3 <- glm(cases ~ ethnicity + area + region + offset(log(population)), family = poisson, data = d3)
write_problem("poisson_rank_deficient", d3, f3, c("ethnicity", "area", "region"))

# 4. Quasi-Poisson: overdispersed (negative binomial) counts, two factors and a numeric covariate.
grid <- expand.grid(ethnicity = groups, sex = c("F", "M"), year = 2015:2022,
                    stringsAsFactors = FALSE)
n <- nrow(grid)
grid$population <- round(runif(n, 5000, 80000))
mu4 <- grid$population * exp(-6 + c(0, 0.3, 0.2, 0.1, 0, -0.1)[match(grid$ethnicity, groups)] +
  0.02 * (grid$year - 2015) + ifelse(grid$sex == "M", 0.2, 0))
grid$admissions <- rnbinom(n, mu = mu4, size = 8)
d4 <- grid
d4$ethnicity <- sorted_factor(d4$ethnicity, "White British")
d4$sex <- sorted_factor(d4$sex, "F")
f4 <- glm(admissions ~ ethnicity + sex + year + offset(log(population)), family = quasipoisson,
          data = d4)
write_problem("quasipoisson", d4, f4, c("ethnicity", "sex"), "year")

# 5. Separation: one group has no deaths at all, so its log rate ratio heads to -Inf; glm stops
#    by its deviance rule with a large negative estimate and a huge standard error.
grid <- expand.grid(ethnicity = groups[1:4], age = ages, stringsAsFactors = FALSE)
n <- nrow(grid)
grid$population <- round(runif(n, 2000, 30000))
grid$deaths <- rpois(n, grid$population * exp(-6 + c(-2, -1, 0, 1, 2)[match(grid$age, ages)]))
grid$deaths[grid$ethnicity == "Mixed"] <- 0
d5 <- grid
d5$ethnicity <- sorted_factor(d5$ethnicity, "White British")
d5$age <- sorted_factor(d5$age, "0-17")
f5 <- glm(deaths ~ ethnicity + age + offset(log(population)), family = poisson, data = d5)
write_problem("poisson_separated", d5, f5, c("ethnicity", "age"))

# 6. Binomial separation: every trial in one group is an event.
grid <- expand.grid(ethnicity = groups[1:4], imd = imd, stringsAsFactors = FALSE)
n <- nrow(grid)
grid$trials <- sample(10:200, n, replace = TRUE)
grid$vaccinated <- rbinom(n, grid$trials, 0.6)
grid$vaccinated[grid$ethnicity == "Black"] <- grid$trials[grid$ethnicity == "Black"]
d6 <- grid
d6$ethnicity <- sorted_factor(d6$ethnicity, "White British")
d6$imd <- sorted_factor(d6$imd, "1")
f6 <- glm(cbind(vaccinated, trials - vaccinated) ~ ethnicity + imd, family = binomial, data = d6)
write_problem("binomial_separated", d6, f6, c("ethnicity", "imd"))


