#pragma once
// Forward declarations of capsim's main types, for headers that only pass them around.
namespace capsim {
class Engine;
class EventQueue;
class InstanceCatalog;
class Ledger;
class Service;
class FluidService;
class ClusterState;
class Provisioner;
class FluidQueue;
class Xoshiro256;
struct Distribution;
struct InstanceType;
struct Trace;
struct Scenario;
struct PolicySpec;
struct ServiceSpec;
struct ClusterSpec;
struct RunResult;
struct PolicyResult;
struct ReplicateResult;
struct RunOptions;
}  // namespace capsim
