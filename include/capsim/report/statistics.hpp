#pragma once
// Statistics over replicates: the figures compare reports. Pure functions of plain values; each
// documents which estimator it is, so a reader can check a number by hand.
#include <cstddef>
#include <optional>
#include <vector>

namespace capsim {

struct Interval {
  double low = 0, high = 0;
};

double mean_of(const std::vector<double>& x);
/// Sample standard deviation (n − 1 in the denominator); 0 for fewer than two values.
double sd_of(const std::vector<double>& x);
/// The q-quantile (q in [0, 1]) by linear interpolation between order statistics (Hyndman & Fan
/// type 7, numpy's and R's default): position q·(n − 1) in the sorted values.
double quantile_of(std::vector<double> x, double q);
/// Conditional value at risk of the upper tail (costs: larger is worse): the mean of the worst
/// 1 − alpha share of the values, the boundary value weighted by its fraction (Acerbi & Tasche's
/// estimator; with 20 values and alpha 0.95, the largest value).
double cvar_upper(std::vector<double> x, double alpha);
/// Two-sided confidence interval of the mean, Student's t with n − 1 degrees of freedom (the
/// paired-difference interval when x holds differences); none for fewer than two values.
std::optional<Interval> mean_interval(const std::vector<double>& x, double level = 0.95);
/// Wilson score interval of a proportion (successes of n trials); none for n = 0.
std::optional<Interval> wilson_interval(std::size_t successes, std::size_t n, double level = 0.95);
/// Which points are on the Pareto front when both coordinates are to be minimised: no other point
/// is at least as good in both and better in one.
std::vector<bool> pareto_front(const std::vector<double>& a, const std::vector<double>& b);

}  // namespace capsim
