# Generates the randomised GLM test problems of DisparityCLITests (ModelCommandTests) and the
# coefficients and standard errors that R's glm() gives for them.
#
# Run from this folder:  Rscript generate_model_reference.R
# Writes poisson_input.csv, binomial_input.csv, glm_expected.csv (one row per coefficient),
# glm_summary.csv (deviance, residual df, iterations, dispersion per model) and r_version.txt.
# Factor levels are sorted in the C locale (method = "radix"), as disparity orders them.

set.seed(20240611)
sorted_levels <- function(x) sort(unique(x), method = "radix")

# --- Aggregated Poisson problem: deaths by ethnicity (NHS 2001 codes, Z = not stated),
#     age band and sex, with population at risk.
ethnicity <- c("A", "H", "J", "M", "N", "Z")
log_rr <- c(A = 0, H = 0.2, J = 0.35, M = 0.15, N = -0.1, Z = 0.05)
ages <- c("00-14", "15-29", "30-44", "45-59", "60-74", "75+")
age_mid <- c(7, 22, 37, 52, 67, 82)
names(age_mid) <- ages
sexes <- c("F", "M")
grid <- expand.grid(ethnicity = ethnicity, age_band = ages, sex = sexes, stringsAsFactors = FALSE)
grid$population <- round(runif(nrow(grid), 500, 20000))
rate <- exp(-9 + 0.06 * age_mid[grid$age_band] + log_rr[grid$ethnicity] + 0.3 * (grid$sex == "M"))
grid$deaths <- rpois(nrow(grid), grid$population * rate)
# A coarser age grouping, wholly determined by age_band: adjusting for both is rank deficient.
grid$age_group <- ifelse(grid$age_band %in% c("00-14", "15-29"), "young",
                  ifelse(grid$age_band %in% c("30-44", "45-59"), "middle", "old"))
poisson_data <- grid[, c("ethnicity", "age_band", "sex", "age_group", "deaths", "population")]
write.csv(poisson_data, "poisson_input.csv", row.names = FALSE, quote = FALSE)

# --- Binomial problem: events out of trials by ethnic group (raw labels), IMD quintile and sex.
groups <- c("White", "Asian", "Black", "Mixed", "Other")
log_or <- c(White = 0, Asian = 0.3, Black = 0.45, Mixed = 0.1, Other = -0.2)
grid2 <- expand.grid(group = groups, imd_quintile = as.character(1:5), sex = sexes,
                     stringsAsFactors = FALSE)
grid2$trials <- round(runif(nrow(grid2), 50, 2000))
p <- plogis(-2 + log_or[grid2$group] - 0.15 * (as.integer(grid2$imd_quintile) - 1) +
            0.2 * (grid2$sex == "M"))
grid2$events <- rbinom(nrow(grid2), grid2$trials, p)
binomial_data <- grid2[, c("group", "imd_quintile", "sex", "events", "trials")]
write.csv(binomial_data, "binomial_input.csv", row.names = FALSE, quote = FALSE)

# --- Fits.
as_factor <- function(x, reference = NULL) {
  f <- factor(x, levels = sorted_levels(x))
  if (!is.null(reference)) f <- relevel(f, ref = reference)
  f
}
coef_rows <- function(model_name, fit) {
  s <- summary(fit)
  est <- coef(fit)  # NA for aliased terms
  se <- rep(NA_real_, length(est))
  names(se) <- names(est)
  se[rownames(s$coefficients)] <- s$coefficients[, "Std. Error"]
  data.frame(model = model_name, term = names(est),
             estimate = sprintf("%.17g", est), std_error = sprintf("%.17g", se),
             aliased = ifelse(is.na(est), "true", "false"), stringsAsFactors = FALSE)
}
summary_row <- function(model_name, fit) {
  s <- summary(fit)
  data.frame(model = model_name, deviance = sprintf("%.17g", fit$deviance),
             df_residual = fit$df.residual, iterations = fit$iter,
             dispersion = sprintf("%.17g", s$dispersion), stringsAsFactors = FALSE)
}

d <- poisson_data
d$ethnicity <- as_factor(d$ethnicity, "A")
d$age_band <- as_factor(d$age_band)
d$sex <- as_factor(d$sex)
d$age_group <- as_factor(d$age_group)
fits <- list()
fits$poisson <- glm(deaths ~ ethnicity + age_band + sex + offset(log(population)),
                    family = poisson, data = d)
fits$quasipoisson <- glm(deaths ~ ethnicity + age_band + sex + offset(log(population)),
                         family = quasipoisson, data = d)
fits$poisson_rank_deficient <- glm(deaths ~ ethnicity + age_band + sex + age_group +
                                     offset(log(population)), family = poisson, data = d)

# The same problem with --scheme nhs-2001: not stated (Z) left out, groups named by their
# NHS 2001 labels (datasets/ethnicity/nhs-2001.csv), reference White - British.
nhs_labels <- c(A = "White - British", H = "Asian or Asian British - Indian",
                J = "Asian or Asian British - Pakistani", M = "Black or Black British - Caribbean",
                N = "Black or Black British - African")
k <- poisson_data[poisson_data$ethnicity != "Z", ]
k$ethnicity <- as_factor(unname(nhs_labels[k$ethnicity]), "White - British")
k$age_band <- as_factor(k$age_band)
k$sex <- as_factor(k$sex)
fits$poisson_nhs2001 <- glm(deaths ~ ethnicity + age_band + sex + offset(log(population)),
                            family = poisson, data = k)

b <- binomial_data
b$group <- as_factor(b$group, "White")
b$imd_quintile <- as_factor(b$imd_quintile)
b$sex <- as_factor(b$sex)
fits$binomial <- glm(cbind(events, trials - events) ~ group + imd_quintile + sex,
                     family = binomial, data = b)
fits$quasibinomial <- glm(cbind(events, trials - events) ~ group + imd_quintile + sex,
                          family = quasibinomial, data = b)

expected <- do.call(rbind, lapply(names(fits), function(n) coef_rows(n, fits[[n]])))
expected$estimate[expected$estimate == "NA"] <- ""
expected$std_error[expected$std_error == "NA"] <- ""
write.csv(expected, "glm_expected.csv", row.names = FALSE)
summaries <- do.call(rbind, lapply(names(fits), function(n) summary_row(n, fits[[n]])))
write.csv(summaries, "glm_summary.csv", row.names = FALSE)
writeLines(c(R.version.string, paste("platform:", R.version$platform)), "r_version.txt")
