#pragma once
// Kubernetes taints and tolerations: whether a pod may land on a node (or on a NodePool's nodes)
// that carries taints such as nvidia.com/gpu=true:NoSchedule. The matching rules are those of
// k8s.io/api/core/v1 Toleration.ToleratesTaint:
//   https://kubernetes.io/docs/concepts/scheduling-eviction/taint-and-toleration/
//   https://kubernetes.io/docs/reference/kubernetes-api/definitions/toleration-v1/
//   https://github.com/kubernetes/api/blob/master/core/v1/toleration.go
// Only Equal and Exists are modelled; the alpha Lt/Gt operators (feature gate
// TaintTolerationComparisonOperators) and tolerationSeconds (eviction delay under NoExecute) are not.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace capsim {

enum class TaintEffect { NoSchedule, PreferNoSchedule, NoExecute };

std::string_view to_string(TaintEffect e);
/// Exact, case-sensitive ("NoSchedule", "PreferNoSchedule", "NoExecute"), as the API validates.
std::optional<TaintEffect> parse_taint_effect(std::string_view s);

struct Taint {
  std::string key;
  std::string value;  // may be empty
  TaintEffect effect = TaintEffect::NoSchedule;
};

/// "nvidia.com/gpu=true:NoSchedule", or "key:Effect" when the value is empty (Taint.ToString()).
std::string to_string(const Taint& t);

struct Toleration {
  enum class Op { Equal, Exists };
  std::string key;  // empty: every key
  Op op = Op::Equal;
  std::string value;                  // compared under Equal; must be empty under Exists
  std::optional<TaintEffect> effect;  // nullopt: every effect
};

std::string_view to_string(Toleration::Op op);
/// "Equal" or "Exists"; "" is Equal, the API's default.
std::optional<Toleration::Op> parse_toleration_op(std::string_view s);

/// Checks what the API server's ValidateTolerations would refuse, so that a scenario cannot rely on a
/// toleration Kubernetes would never admit: an empty key needs operator Exists ("match all values and
/// all keys"), and Exists needs an empty value. Returns "" when fine, else what was expected. (Key
/// syntax and label-value syntax are not checked.)
std::string check_toleration(const Toleration& t);

/// ToleratesTaint: the effect matches (or the toleration names none), the key matches (or the
/// toleration's key is empty), and then Exists matches any value while Equal needs the same value.
/// So {key "", Exists} tolerates every taint. Like the Go code, an empty key with Equal (which
/// check_toleration refuses) matches every key whose value equals the toleration's.
bool tolerates(const Toleration& toleration, const Taint& taint);

/// The first taint with effect NoSchedule or NoExecute that no toleration matches, or nullptr: the
/// kube-scheduler's TaintToleration filter (FindMatchingUntoleratedTaint with
/// doNotScheduleTaintsFilterFunc). PreferNoSchedule is only a preference and never blocks.
const Taint* first_untolerated(const std::vector<Taint>& taints, const std::vector<Toleration>& tolerations);

/// The first taint of ANY effect that no toleration matches, or nullptr. This is how Karpenter's
/// provisioner first checks a NodePool's taints (scheduling.Taints.ToleratesPod considers every
/// effect); only when a pod fails everywhere does it relax by adding an {Exists, PreferNoSchedule}
/// toleration (Preferences.toleratePreferNoScheduleTaints), so PreferNoSchedule steers pods away from
/// a pool while another pool fits.
/// https://github.com/kubernetes-sigs/karpenter/blob/main/pkg/scheduling/taints.go
/// https://github.com/kubernetes-sigs/karpenter/blob/main/pkg/controllers/provisioning/scheduling/preferences.go
const Taint* first_untolerated_any_effect(const std::vector<Taint>& taints,
                                          const std::vector<Toleration>& tolerations);

}  // namespace capsim
