// Labels, the requirements algebra, and catalog queries against the bundled catalog.
#include <doctest/doctest.h>

#include <cmath>

#include "capsim/market/catalog_query.hpp"
#include "capsim/catalog/labels.hpp"
#include "capsim/catalog/requirements.hpp"
#include "capsim/core/error.hpp"
#include "capsim/io/catalog/catalog_csv.hpp"
#include "capsim/market/interruption_model.hpp"
#include "test_paths.hpp"
#include "test_fixtures.hpp"

using namespace capsim;

namespace {
using test::req;
Offering spot(std::string type, std::string zone) {
  Offering o;
  o.instance_type = std::move(type);
  o.zone = std::move(zone);
  o.capacity_type = CapacityType::Spot;
  return o;
}
using test::catalog;
}  // namespace

TEST_CASE("well-known labels of a type, as Karpenter's AWS provider names them") {
  Labels l = labels_of(catalog().at("g4dn.12xlarge"));
  CHECK(l.at(std::string(label::kFamily)) == "g4dn");
  CHECK(l.at(std::string(label::kCategory)) == "g");
  CHECK(l.at(std::string(label::kGeneration)) == "4");
  CHECK(l.at(std::string(label::kSize)) == "12xlarge");
  CHECK(l.at(std::string(label::kGpuName)) == "t4");
  CHECK(l.at(std::string(label::kGpuCount)) == "4");
  CHECK(l.at(std::string(label::kGpuMemory)) == "16384");
  Labels inf = labels_of(catalog().at("inf2.xlarge"));
  CHECK(inf.at(std::string(label::kCategory)) == "inf");
  CHECK(inf.count(std::string(label::kGpuCount)) == 0);  // no GPU labels on a type without GPUs
  CHECK(inf.at(std::string(label::kAcceleratorName)) == "inferentia2");
  Labels lo = labels_of(catalog().at("g5.xlarge"), spot("g5.xlarge", "us-east-1b"));
  CHECK(lo.at(std::string(label::kZone)) == "us-east-1b");
  CHECK(lo.at(std::string(label::kCapacityType)) == "spot");
}

TEST_CASE("operators match labels as Kubernetes defines them") {
  Labels l = labels_of(catalog().at("g5.12xlarge"));
  CHECK(Requirements({req(label::kFamily, Operator::In, {"g5", "g6"})}).matches(l));
  CHECK_FALSE(Requirements({req(label::kFamily, Operator::NotIn, {"g5"})}).matches(l));
  CHECK(Requirements({req(label::kGpuCount, Operator::Gt, {"3"})}).matches(l));
  CHECK_FALSE(Requirements({req(label::kGpuCount, Operator::Lt, {"4"})}).matches(l));
  CHECK(Requirements({req(label::kGpuName, Operator::Exists)}).matches(l));
  CHECK_FALSE(Requirements({req(label::kAcceleratorName, Operator::Exists)}).matches(l));
  CHECK(Requirements({req(label::kAcceleratorName, Operator::DoesNotExist)}).matches(l));
  // A missing label satisfies NotIn (as in Kubernetes node affinity) but not In or Gt.
  Labels cpu = labels_of(catalog().at("m5.large"));
  CHECK(Requirements({req(label::kGpuName, Operator::NotIn, {"t4"})}).matches(cpu));
  CHECK_FALSE(Requirements({req(label::kGpuCount, Operator::Gt, {"0"})}).matches(cpu));
  CHECK(Requirements({req(label::kGpuCount, Operator::Gt, {"0"})}).why_not(cpu) ==
        "karpenter.k8s.aws/instance-gpu-count Gt 0 but the label is not set");
  CHECK(Requirements({req(label::kGpuCount, Operator::In, {"4"})}).why_not(labels_of(catalog().at("g5.xlarge"))) ==
        "karpenter.k8s.aws/instance-gpu-count In [4] but it is 1");
}

TEST_CASE("intersection and compatibility: a pod and a NodePool together") {
  Requirements pool({req(label::kCapacityType, Operator::In, {"spot", "on-demand"}), req(label::kFamily, Operator::In, {"g5", "g6"})});
  Requirements pod({req(label::kFamily, Operator::NotIn, {"g5"}), req(label::kGpuCount, Operator::Gt, {"1"})});
  CHECK(pool.compatible(pod));
  Requirements both = pool.intersect(pod);
  CHECK(both.matches(labels_of(catalog().at("g6.12xlarge"), spot("g6.12xlarge", "us-east-1a"))));
  CHECK_FALSE(both.matches(labels_of(catalog().at("g5.12xlarge"), spot("g5.12xlarge", "us-east-1a"))));
  // In [g5] with NotIn [g5] leaves nothing; Gt 4 with Lt 5 leaves no integer.
  CHECK_FALSE(Requirements({req(label::kFamily, Operator::In, {"g5"})}).compatible(Requirements({req(label::kFamily, Operator::NotIn, {"g5"})})));
  CHECK_FALSE(Requirements({req(label::kGpuCount, Operator::Gt, {"4"})}).compatible(Requirements({req(label::kGpuCount, Operator::Lt, {"5"})})));
  CHECK(Requirements({req(label::kGpuCount, Operator::Gt, {"4"})}).compatible(Requirements({req(label::kGpuCount, Operator::Lt, {"6"})})));
  // DoesNotExist with Exists: nothing.
  CHECK_FALSE(Requirements({req(label::kGpuName, Operator::DoesNotExist)}).compatible(Requirements({req(label::kGpuName, Operator::Exists)})));
}

TEST_CASE("requirements are equal when they constrain the same keys the same way") {
  const Requirements a({req(label::kFamily, Operator::In, {"g5", "g6"}), req(label::kGpuCount, Operator::Gt, {"1"})});
  CHECK(a == Requirements({req(label::kGpuCount, Operator::Gt, {"1"}), req(label::kFamily, Operator::In, {"g6", "g5"})}));
  CHECK_FALSE(a == Requirements({req(label::kFamily, Operator::In, {"g5", "g6"}), req(label::kGpuCount, Operator::Gt, {"2"})}));
  CHECK_FALSE(a == Requirements({req(label::kFamily, Operator::NotIn, {"g5", "g6"}), req(label::kGpuCount, Operator::Gt, {"1"})}));
  CHECK_FALSE(a == Requirements({req(label::kFamily, Operator::In, {"g5", "g6"})}));
  CHECK(a == a.intersect(a));
}

TEST_CASE("bad requirements say what was expected") {
  CHECK(check_requirement(req("karpenter.k8s.aws/instance-gpu-cout", Operator::In, {"1"})).find("did you mean 'karpenter.k8s.aws/instance-gpu-count'") !=
        std::string::npos);
  CHECK(check_requirement(req(label::kGpuCount, Operator::Gt, {"four"})) == "exactly one integer value for Gt");
  CHECK(check_requirement(req(label::kFamily, Operator::In, {})) == "at least one value for In");
  CHECK(check_requirement(req(label::kFamily, Operator::Exists, {"g5"})) == "no values for Exists");
  CHECK_THROWS_AS(Requirements({req(label::kGpuCount, Operator::Lt, {})}), Error);
}

TEST_CASE("catalog query: GPUs of at least 24 GiB each under USD 3/h, cheapest per GPU first") {
  // By hand from scenarios/data/aws-us-east-1/instance_catalog.csv: only L40S (45,776 MiB), H100,
  // A100 have more than 24 GiB (24,576 MiB) per GPU; under $3/h that leaves g6e.xlarge ($1.861) and
  // g6e.2xlarge ($2.24208).
  CatalogQuery q;
  q.requirements = Requirements({req(label::kGpuMemory, Operator::Gt, {"24575"})});
  q.max_price_usd_per_h = 3.0;
  q.sort = CatalogSort::PricePerGpu;
  const SpotAdvisor advisor = io::builtin_spot_advisor("aws-us-east-1");
  auto rows = query_catalog(catalog(), advisor, q);
  REQUIRE(rows.size() == 2);
  CHECK(rows[0].type.name == "g6e.xlarge");
  CHECK(rows[1].type.name == "g6e.2xlarge");
  // Spot: g4dn.12xlarge at 3.912 × (1 − 64%) = 1.40832 is the cheapest 4-GPU type per GPU (0.35208).
  CatalogQuery s;
  s.requirements = Requirements({req(label::kGpuCount, Operator::In, {"4"})});
  s.spot = true;
  s.sort = CatalogSort::PricePerGpu;
  auto spot = query_catalog(catalog(), advisor, s);
  REQUIRE_FALSE(spot.empty());
  CHECK(spot[0].type.name == "g4dn.12xlarge");
  CHECK(spot[0].price_usd_per_h == doctest::Approx(1.40832));
  CHECK(spot[0].advisor->bucket == 2);
}

TEST_CASE("interruption buckets to hazards") {
  // P(interrupted within 720 h) = 1 − exp(−λ·720) must give back the monthly share.
  for (double p : kDefaultMonthlyInterruption) CHECK(1 - std::exp(-hazard_per_hour(p) * 720) == doctest::Approx(p));
}

TEST_CASE("every bundled type's allocatable follows the Karpenter AWS provider's overhead formula") {
  // CPU: capacity less kube-reserved (6% of the first core, 1% of the second, 0.5% of the next two,
  // 0.25% of the rest). Memory: capacity less the 7.5% VM overhead, kube-reserved (11 MiB per pod the
  // type allows + 255 MiB) and the 100 MiB eviction threshold. E.g. g5.xlarge: 3,920m and 14,162 MiB.
  const InstanceCatalog cat = io::builtin_catalog("aws-us-east-1");
  REQUIRE(cat.types().size() == 80);
  for (const InstanceType& t : cat.types()) {
    double reserved = 0;
    for (int core = 1; core <= t.vcpu; ++core) reserved += core == 1 ? 60 : core == 2 ? 10 : core <= 4 ? 5 : 2.5;
    const double cpu = t.vcpu * 1000.0 - reserved;
    const double memory = t.memory_mib * 0.925 - (11.0 * t.alloc_pods + 255) - 100;
    CHECK_MESSAGE(std::fabs(cpu - static_cast<double>(t.alloc_cpu_millicores)) < 1, t.name);
    CHECK_MESSAGE(std::fabs(memory - static_cast<double>(t.alloc_memory_mib)) < 1, t.name);
  }
}

TEST_CASE("catalog files: counts beyond any machine and repeated columns are errors, not overflows") {
  auto error_of = [](const char* name) -> std::string {
    try {
      io::read_catalog_file(test::data_dir() / "bad" / "catalog" / name, name);
    } catch (const TraceError& e) {
      return e.what();
    }
    FAIL("expected " << name << " to be rejected");
    return {};
  };
  CHECK(error_of("vcpu_overflow.csv").find("vcpu_overflow.csv:2: expected a whole number from 0 to 1e+06 in column 'vcpu', got '4000") !=
        std::string::npos);
  CHECK(error_of("duplicate_column.csv") == "duplicate_column.csv:1: expected each column once in the header, got 'vcpu' twice");
}
