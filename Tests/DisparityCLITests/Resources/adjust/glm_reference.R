d <- read.csv("input.csv", colClasses = c("character","character","character","numeric","numeric"))
d$ethnicity <- factor(d$ethnicity, levels = c("A","H","J","N","R"))
d$age <- factor(d$age, levels = unique(d$age))
d$sex <- factor(d$sex)
m <- glm(events ~ ethnicity + age + sex + offset(log(population)), family = poisson, data = d)
s <- summary(m)$coefficients
z <- qnorm(0.975)
for (g in c("H","J","N","R")) { b <- s[paste0("ethnicity", g), 1]; se <- s[paste0("ethnicity", g), 2]
  cat(sprintf("%s %.17g %.17g %.17g\n", g, exp(b), exp(b - z*se), exp(b + z*se))) }
cat(R.version.string, "\n")
