// Fast generator of record-level benchmark inputs for bench/compare.sh.
//
// The same model as datasets/synthetic/generate.py (groups, label variants, rate ratios, age
// structure, sex and region factors, 3% not stated, 2% not known, 0.2% "BAME"), written in C
// because the Python generator takes minutes for tens of millions of rows.
//
//   gen_records ROWS SEED RECORDS.csv POPULATION.csv
//
// RECORDS.csv     one row per admission: ethnicity (a label variant as recorded), age (years),
//                 sex, area (region), outcome (ICD-10 primary diagnosis); rows in random order,
//                 exactly ROWS of them (a multinomial draw over the model's cells).
// POPULATION.csv  ethnicity (official NHS 2001 label), age (ESP2013 band), sex, area, population,
//                 scaled so that the expected number of admissions is ROWS.
// Deterministic for a given ROWS and SEED (xoshiro256** seeded by splitmix64).
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t s[4];
static uint64_t splitmix(uint64_t *x) {
  uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}
static inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
static inline uint64_t next(void) {
  uint64_t r = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
  s[2] ^= s[0]; s[3] ^= s[1]; s[1] ^= s[2]; s[0] ^= s[3]; s[2] ^= t; s[3] = rotl(s[3], 45);
  return r;
}
static inline double uniform(void) { return (next() >> 11) * 0x1.0p-53; }
static inline int below(int n) { return (int)(uniform() * n); }

#define NBANDS 19
static const char *BANDS[NBANDS] = {"0-4", "5-9", "10-14", "15-19", "20-24", "25-29", "30-34",
  "35-39", "40-44", "45-49", "50-54", "55-59", "60-64", "65-69", "70-74", "75-79", "80-84",
  "85-89", "90+"};
static const double BASE[NBANDS] = {900, 300, 250, 400, 500, 550, 600, 650, 750, 900, 1100, 1400,
  1800, 2400, 3200, 4300, 5600, 7000, 8200};
static const double AGE_OLDER[NBANDS] = {5.5, 5.6, 5.6, 6.0, 6.3, 6.4, 6.3, 6.2, 6.6, 7.0, 7.2,
  6.6, 5.9, 5.7, 4.8, 3.6, 2.6, 1.5, 0.6};
static const double AGE_YOUNGER[NBANDS] = {8.5, 8.0, 7.5, 7.5, 8.0, 9.0, 9.5, 8.5, 7.5, 6.5, 5.5,
  4.0, 3.0, 2.5, 1.8, 1.2, 0.7, 0.3, 0.1};

typedef struct {
  const char *code, *label;
  double share, rr;
  const char *variants[7];
} Group;
#define NGROUPS 16
static const Group GROUPS[NGROUPS] = {
  {"A", "White - British", 79.8, 1.00, {"White British", "British (White)", "WHITE - BRITISH", "A", "White: English/Welsh/Scottish/Northern Irish/British", "british", 0}},
  {"B", "White - Irish", 1.0, 0.90, {"White Irish", "Irish (White)", "B", "White - Irish ", 0}},
  {"C", "White - Any other White background", 5.7, 0.80, {"Any other White background", "White other", "C", "CP", "White: Other White", 0}},
  {"D", "Mixed - White and Black Caribbean", 0.8, 1.20, {"White and Black Caribbean (Mixed)", "Mixed: White and Black Caribbean", "D", 0}},
  {"E", "Mixed - White and Black African", 0.3, 1.15, {"White and Black African (Mixed)", "Mixed - White and Black African", "E", 0}},
  {"F", "Mixed - White and Asian", 0.6, 1.05, {"White and Asian (Mixed)", "Mixed: White and Asian", "F", 0}},
  {"G", "Mixed - Any other mixed background", 0.5, 1.10, {"Any other Mixed background", "Mixed other", "G", 0}},
  {"H", "Asian or Asian British - Indian", 2.6, 1.30, {"Indian (Asian or Asian British)", "Asian or Asian British - Indian", "Indian", "H", 0}},
  {"J", "Asian or Asian British - Pakistani", 2.1, 1.90, {"Pakistani (Asian or Asian British)", "Asian or Asian British - Pakistani", "Pakistani", "J", 0}},
  {"K", "Asian or Asian British - Bangladeshi", 0.8, 2.00, {"Bangladeshi (Asian or Asian British)", "Bangladeshi", "K", 0}},
  {"L", "Asian or Asian British - Any other Asian background", 1.5, 1.40, {"Any other Asian background", "Asian other", "L", 0}},
  {"M", "Black or Black British - Caribbean", 1.1, 1.60, {"Caribbean (Black or Black British)", "Black or Black British - Caribbean", "Black Caribbean", "M", 0}},
  {"N", "Black or Black British - African", 1.8, 1.70, {"African (Black or Black British)", "Black or Black British - African", "Black African", "N", 0}},
  {"P", "Black or Black British - Any other Black background", 0.5, 1.50, {"Any other Black background", "Black other", "P", 0}},
  {"R", "Other Ethnic Groups - Chinese", 0.7, 0.60, {"Chinese (other ethnic group)", "Chinese", "R", 0}},
  {"S", "Other Ethnic Groups - Any other ethnic group", 0.6, 1.10, {"Any other ethnic group", "Other ethnic group: Any other ethnic group", "S", 0}},
};
static const char *SEX[2] = {"Female", "Male"};
static const double SEX_FACTOR[2] = {1.05, 0.95}, SEX_SHARE[2] = {0.51, 0.49};
#define NREGIONS 9
static const char *REGIONS[NREGIONS] = {"North East", "North West", "Yorkshire and The Humber",
  "East Midlands", "West Midlands", "East of England", "London", "South East", "South West"};
static const double REGION_FACTOR[NREGIONS] = {1.10, 1.08, 1.05, 1.00, 1.02, 0.95, 0.97, 0.92, 0.94};
static const double REGION_SHARE[NREGIONS] = {0.05, 0.13, 0.10, 0.08, 0.10, 0.11, 0.16, 0.16, 0.11};
// Primary diagnoses (ICD-10), a few common admission causes.
#define NOUTCOMES 12
static const char *OUTCOMES[NOUTCOMES] = {"I21.9", "J18.9", "J44.1", "N39.0", "R07.4", "K80.2",
  "I50.0", "E11.9", "S72.0", "C34.9", "O80", "U07.1"};
static const char *NOT_STATED[3] = {"Not stated", "Z", "Refused"};
static const char *NOT_KNOWN[3] = {"", "99", "Not known"};

#define NCELLS (NGROUPS * NBANDS * 2 * NREGIONS)

int main(int argc, char **argv) {
  if (argc != 5) {
    fprintf(stderr, "usage: %s ROWS SEED RECORDS.csv POPULATION.csv\n", argv[0]);
    return 2;
  }
  long rows = atol(argv[1]);
  uint64_t seed = strtoull(argv[2], 0, 10);
  for (int i = 0; i < 4; i++) s[i] = splitmix(&seed);

  // Cells: group x band x sex x region, population at scale 1 and expected admissions.
  static double pop[NCELLS], expected[NCELLS], cumulative[NCELLS];
  double shareTotal = 0, total = 0;
  for (int g = 0; g < NGROUPS; g++) shareTotal += GROUPS[g].share;
  int c = 0;
  for (int g = 0; g < NGROUPS; g++) {
    const double *w = g < 2 ? AGE_OLDER : AGE_YOUNGER;
    double wsum = 0;
    for (int b = 0; b < NBANDS; b++) wsum += w[b];
    for (int b = 0; b < NBANDS; b++)
      for (int x = 0; x < 2; x++)
        for (int r = 0; r < NREGIONS; r++, c++) {
          pop[c] = 1e6 * GROUPS[g].share / shareTotal * w[b] / wsum * SEX_SHARE[x] * REGION_SHARE[r];
          expected[c] = pop[c] * BASE[b] / 1e5 * GROUPS[g].rr * SEX_FACTOR[x] * REGION_FACTOR[r];
          total += expected[c];
          cumulative[c] = total;
        }
  }
  // Events are a multinomial draw of `rows` over the cells; 5.2% of them are recorded with
  // unknown or collective labels, so the population is scaled to the known-label events.
  double scale = rows / total;

  FILE *pf = fopen(argv[4], "w");
  if (!pf) { perror(argv[4]); return 1; }
  fputs("ethnicity,age,sex,area,population\n", pf);
  c = 0;
  for (int g = 0; g < NGROUPS; g++)
    for (int b = 0; b < NBANDS; b++)
      for (int x = 0; x < 2; x++)
        for (int r = 0; r < NREGIONS; r++, c++)
          fprintf(pf, "%s,%s,%s,%s,%.0f\n", GROUPS[g].label, BANDS[b], SEX[x], REGIONS[r],
                  fmax(1, round(pop[c] * scale)));
  fclose(pf);

  FILE *af = fopen(argv[3], "w");
  if (!af) { perror(argv[3]); return 1; }
  static char buffer[1 << 20];
  setvbuf(af, 0, _IOFBF, 0);
  size_t used = 0;
  used += (size_t)sprintf(buffer, "ethnicity,age,sex,area,outcome\n");
  int nvariants[NGROUPS];
  for (int g = 0; g < NGROUPS; g++) {
    nvariants[g] = 0;
    while (GROUPS[g].variants[nvariants[g]]) nvariants[g]++;
  }
  for (long i = 0; i < rows; i++) {
    // The cell by binary search of the cumulative expected counts.
    double u = uniform() * total;
    int lo = 0, hi = NCELLS - 1;
    while (lo < hi) {
      int mid = (lo + hi) / 2;
      if (cumulative[mid] > u) hi = mid; else lo = mid + 1;
    }
    int r = lo % NREGIONS, x = (lo / NREGIONS) % 2, b = (lo / NREGIONS / 2) % NBANDS;
    int g = lo / NREGIONS / 2 / NBANDS;
    int age = b < NBANDS - 1 ? b * 5 + below(5) : 90 + (int)fmin(-log(1 - uniform()) / 0.25, 15);
    double v = uniform();
    const char *label;
    if (v < 0.03) label = NOT_STATED[below(3)];
    else if (v < 0.05) label = NOT_KNOWN[below(3)];
    else if (v < 0.052) label = "BAME";
    else label = GROUPS[g].variants[below(nvariants[g])];
    if (used > sizeof(buffer) - 256) {
      fwrite(buffer, 1, used, af);
      used = 0;
    }
    used += (size_t)sprintf(buffer + used, "%s,%d,%s,%s,%s\n", label, age, SEX[x], REGIONS[r],
                            OUTCOMES[below(NOUTCOMES)]);
  }
  fwrite(buffer, 1, used, af);
  fclose(af);
  return 0;
}
