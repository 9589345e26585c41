#include "capsim/io/market/spot_price_history.hpp"

#include <algorithm>
#include <fstream>
#include <functional>
#include <optional>
#include <tuple>
#include <utility>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "capsim/core/close_match.hpp"
#include "capsim/core/error.hpp"
#include "io/text_file.hpp"
#include "capsim/io/text_parse.hpp"
#include "io/json/json_checker.hpp"

namespace capsim::io {

using nlohmann::json;

namespace {

constexpr const char* kCommand = "describe-spot-price-history output";

std::string join(const std::vector<std::string>& items, std::size_t max_items = 8) {
  std::string s;
  for (std::size_t i = 0; i < items.size() && i < max_items; ++i) s += (i ? ", " : "") + items[i];
  if (items.size() > max_items) s += fmt::format(" and {} more", items.size() - max_items);
  return s;
}

/// The keys of a top-level object and, when they give it away, which command printed it.
std::string describe_keys(const std::vector<std::string>& keys) {
  if (keys.empty()) return "an empty object";
  auto has = [&](const char* k) { return std::find(keys.begin(), keys.end(), k) != keys.end(); };
  std::string guess;
  if (has("MetricDataResults")) guess = "get-metric-data output";
  else if (has("Datapoints")) guess = "get-metric-statistics output";
  else if (has("InstanceTypes")) guess = "describe-instance-types output";
  else if (has("Reservations")) guess = "describe-instances output";
  else if (has("metadata") && has("data")) guess = "an availability trace";
  return "an object with keys " + join(keys) + (guess.empty() ? "" : " (" + guess + ")");
}

// One value of a price entry as read: the string itself, or how a non-string value reads in a message.
struct Field {
  std::string key;
  bool is_string = false;
  std::string text;

  std::string described() const { return is_string ? detail::describe(json(text)) : text; }
};

struct RawEntry {
  std::size_t index = 0;  // position in SpotPriceHistory
  std::vector<Field> fields;

  const Field* get(const char* key) const {
    for (const auto& f : fields)
      if (f.key == key) return &f;
    return nullptr;
  }
  std::string keys() const {
    std::vector<std::string> k;
    for (const auto& f : fields) k.push_back(f.key);
    return k.empty() ? "an empty entry" : "an entry with keys " + join(k);
  }
};

/// SAX reader for describe-spot-price-history output: the CLI pages through a whole region's history
/// into one file, and the DOM of it costs several times the file, while an entry kept as
/// (time, price) costs a fraction of its text.
class SpotHistorySax : public nlohmann::json_sax<json> {
 public:
  using EntryFn = std::function<void(const RawEntry&)>;
  SpotHistorySax(const InputFile& file, EntryFn on_entry) : file_(file), on_entry_(std::move(on_entry)) {}

  bool null() override { return scalar(false, "null"); }
  bool boolean(bool v) override { return scalar(false, v ? "true" : "false"); }
  bool number_integer(number_integer_t v) override { return scalar(false, "the number " + std::to_string(v)); }
  bool number_unsigned(number_unsigned_t v) override { return scalar(false, "the number " + std::to_string(v)); }
  bool number_float(number_float_t, const string_t& raw) override { return scalar(false, "the number " + raw); }
  bool binary(binary_t&) override { return scalar(false, "binary data"); }
  bool string(string_t& s) override { return scalar(true, s); }

  bool start_object(std::size_t) override { return open(true); }
  bool start_array(std::size_t) override { return open(false); }
  bool end_object() override { return close(); }
  bool end_array() override { return close(); }

  bool key(string_t& k) override {
    if (depth_ == 1) {
      root_keys_.push_back(k);
      root_key_ = k;
    } else if (depth_ == 3 && entry_) {
      entry_->fields.push_back({k, false, {}});
    }
    return true;
  }

  bool parse_error(std::size_t byte, const std::string&, const nlohmann::detail::exception& ex) override {
    parse_failed_at_ = byte;
    parse_message_ = fmt::format("expected valid JSON ({}), got {}", kCommand, detail::json_syntax_error(ex.what()));
    return false;
  }

  std::optional<std::size_t> parse_failed_at() const { return parse_failed_at_; }
  const std::string& parse_message() const { return parse_message_; }
  const std::optional<TraceError>& error() const { return error_; }
  /// "an array", "the number 3", ... when the document is not an object; empty when it is.
  const std::string& root_not_object() const { return root_not_object_; }
  const std::vector<std::string>& root_keys() const { return root_keys_; }

 private:
  bool in_history() const { return history_open_ && depth_ >= 2; }
  std::string entry_pointer() const { return fmt::format("/SpotPriceHistory/{}", entry_index_); }

  bool scalar(bool is_string, std::string text) {
    if (depth_ == 0) {
      root_not_object_ = is_string ? detail::describe(json(text)) : text;
      return false;
    }
    if (depth_ == 1 && root_key_ == "SpotPriceHistory")
      return fail("/SpotPriceHistory", "expected an array of price entries, got " + (is_string ? detail::describe(json(text)) : text));
    if (in_history() && depth_ == 2)
      return fail(entry_pointer(), "expected a price entry (an object), got " + (is_string ? detail::describe(json(text)) : text));
    if (entry_ && depth_ == 3 && !entry_->fields.empty()) {
      entry_->fields.back().is_string = is_string;
      entry_->fields.back().text = std::move(text);
    }
    return true;
  }

  bool open(bool object) {
    if (depth_ == 0 && !object) {
      root_not_object_ = "an array";
      return false;
    }
    if (depth_ == 1 && root_key_ == "SpotPriceHistory") {
      if (object) return fail("/SpotPriceHistory", "expected an array of price entries, got an object");
      history_open_ = true;
      entry_index_ = 0;
    } else if (in_history() && depth_ == 2) {
      if (!object) return fail(entry_pointer(), "expected a price entry (an object), got an array");
      entry_.emplace();
      entry_->index = entry_index_;
    } else if (entry_ && depth_ == 3 && !entry_->fields.empty()) {
      entry_->fields.back().text = object ? "an object" : "an array";
    }
    ++depth_;
    return true;
  }

  bool close() {
    --depth_;
    if (entry_ && depth_ == 2) {
      try {
        on_entry_(*entry_);
      } catch (const TraceError& e) {
        error_ = e;
        return false;
      }
      entry_.reset();
      ++entry_index_;
    } else if (history_open_ && depth_ == 1) {
      history_open_ = false;
    }
    return true;
  }

  bool fail(const std::string& pointer, const std::string& message) {
    error_ = TraceError(file_.display, pointer, message);
    return false;
  }

  const InputFile& file_;
  EntryFn on_entry_;
  std::size_t depth_ = 0;  // containers open around the current value
  std::string root_key_;
  std::vector<std::string> root_keys_;
  bool history_open_ = false;
  std::size_t entry_index_ = 0;
  std::optional<RawEntry> entry_;
  std::optional<std::size_t> parse_failed_at_;
  std::string parse_message_;
  std::string root_not_object_;
  std::optional<TraceError> error_;
};

struct Point {
  UtcTime at;
  double price_usd_per_h;
  std::size_t file, index;
};

using PoolKey = std::pair<std::string, std::string>;  // instance type, zone name

/// Checks one entry and files its price under its pool; entries for other products (and, when asked,
/// types outside the catalog) are only counted.
class EntryReader {
 public:
  EntryReader(const InstanceCatalog& catalog, const SpotPriceHistoryOptions& options) : catalog_(catalog), options_(options) {}

  void read(const RawEntry& e, const InputFile& file, std::size_t file_index) {
    const std::string at = fmt::format("/SpotPriceHistory/{}", e.index);
    auto text = [&](const char* key, const char* expected) -> const std::string& {
      const Field* f = e.get(key);
      if (!f) throw TraceError(file.display, at, fmt::format("expected the field {} ({}), got {}", key, expected, e.keys()));
      if (!f->is_string || f->text.empty())
        throw TraceError(file.display, at + "/" + key, fmt::format("expected {}, got {}", expected, f->described()));
      return f->text;
    };

    const std::string& product = text("ProductDescription", "a product such as \"Linux/UNIX\"");
    if (product != options_.product) {
      ++skipped_products_[product];
      return;
    }
    const std::string& type = text("InstanceType", "an instance type such as \"g5.xlarge\"");
    if (!catalog_.contains(type)) {
      if (options_.skip_unknown_types) {
        ++skipped_types_[type];
        return;
      }
      const std::string hint = did_you_mean(type, catalog_.closest(type));
      throw TraceError(file.display, at + "/InstanceType",
                       fmt::format("expected an instance type of the catalog, got {}{}", type, hint.empty() ? "" : " (" + hint + ")"));
    }
    const std::string zone = zone_of(e, file, at, text);

    const Field* price = e.get("SpotPrice");
    if (!price) throw TraceError(file.display, at, "expected the field SpotPrice (a price such as \"0.370100\"), got " + e.keys());
    const auto usd = price->is_string ? parse_number(price->text) : std::nullopt;
    if (!usd || !(*usd > 0))
      throw TraceError(file.display, at + "/SpotPrice",
                       "expected a price > 0 as a string such as \"0.370100\", got " + price->described());

    const std::string& stamp = text("Timestamp", "an ISO 8601 timestamp with a zone");
    const auto t = parse_iso8601(stamp);
    if (!t) throw TraceError(file.display, at + "/Timestamp", fmt::format("expected an ISO 8601 timestamp with a zone from 1970 to 2199, got \"{}\"", stamp));

    pools_[{type, zone}].push_back({*t, *usd, file_index, e.index});
  }

  std::map<PoolKey, std::vector<Point>>& pools() { return pools_; }
  const std::map<std::string, std::size_t>& skipped_products() const { return skipped_products_; }
  const std::map<std::string, std::size_t>& skipped_types() const { return skipped_types_; }

 private:
  template <typename TextFn>
  std::string zone_of(const RawEntry& e, const InputFile& file, const std::string& at, TextFn& text) const {
    const bool has_name = e.get("AvailabilityZone") != nullptr;
    const bool has_id = e.get("AvailabilityZoneId") != nullptr;
    if (!has_name && !has_id)
      throw TraceError(file.display, at, "expected the field AvailabilityZone or AvailabilityZoneId, got " + e.keys());
    if (has_name) {
      const std::string& name = text("AvailabilityZone", "a zone name such as \"us-east-1a\"");
      if (has_id) {
        // Both given: the name is what this account calls the zone; a zone_ids entry saying otherwise
        // means the map was written for another account.
        const std::string& id = text("AvailabilityZoneId", "a zone ID such as \"use1-az4\"");
        auto it = options_.zone_ids.find(id);
        if (it != options_.zone_ids.end() && it->second != name)
          throw TraceError(file.display, at + "/AvailabilityZone",
                           fmt::format("expected {} (zone_ids maps {} to it), got {}", it->second, id, name));
      }
      return name;
    }
    const std::string& id = text("AvailabilityZoneId", "a zone ID such as \"use1-az4\"");
    auto it = options_.zone_ids.find(id);
    if (it == options_.zone_ids.end()) {
      std::vector<std::string> known;
      for (const auto& [k, _] : options_.zone_ids) known.push_back(k);
      // No close-match hint: use1-az4 and use1-az9 are one edit apart but different places.
      throw TraceError(file.display, at + "/AvailabilityZoneId",
                       fmt::format("expected a zone ID listed in zone_ids ({}), got {}",
                                   known.empty() ? "none are listed: map each zone ID to its zone name" : join(known, 12), id));
    }
    return it->second;
  }

  const InstanceCatalog& catalog_;
  const SpotPriceHistoryOptions& options_;
  std::map<PoolKey, std::vector<Point>> pools_;
  std::map<std::string, std::size_t> skipped_products_;
  std::map<std::string, std::size_t> skipped_types_;
};

std::string entries(std::size_t n) { return fmt::format("{} price entr{}", n, n == 1 ? "y" : "ies"); }

}  // namespace

std::vector<SpotPriceSeries> read_spot_price_history(const std::vector<InputFile>& files, const InstanceCatalog& catalog,
                                                     const SpotPriceHistoryOptions& options, std::vector<std::string>& warnings) {
  if (files.empty()) throw Error("describe-spot-price-history: no files given");
  EntryReader reader(catalog, options);
  for (std::size_t f = 0; f < files.size(); ++f) {
    const InputFile& file = files[f];
    const std::string text = detail::read_text_file(file);
    SpotHistorySax sax(file, [&](const RawEntry& e) { reader.read(e, file, f); });
    const bool ok = json::sax_parse(text, &sax);
    if (sax.error()) throw *sax.error();
    if (!ok && sax.parse_failed_at()) {
      auto [line, col] = detail::line_column(text, *sax.parse_failed_at());
      throw TraceError(file.display, line, fmt::format("column {}: {}", col, sax.parse_message()));
    }
    const std::string want = fmt::format("expected {} (an object with SpotPriceHistory), got ", kCommand);
    if (!sax.root_not_object().empty()) throw TraceError(file.display, std::string(), want + sax.root_not_object());
    const auto& keys = sax.root_keys();
    if (std::find(keys.begin(), keys.end(), "SpotPriceHistory") == keys.end())
      throw TraceError(file.display, std::string(), want + describe_keys(keys));
  }

  const std::string shown = files.size() == 1 ? files[0].display : fmt::format("{} and {} more", files[0].display, files.size() - 1);
  std::size_t skipped = 0;
  std::vector<std::string> products;
  for (const auto& [p, n] : reader.skipped_products()) {
    skipped += n;
    products.push_back(fmt::format("{}: {}", p, n));
  }
  std::size_t skipped_types = 0;
  std::vector<std::string> types;
  for (const auto& [t, n] : reader.skipped_types()) {
    skipped_types += n;
    types.push_back(t);
  }
  if (reader.pools().empty())
    throw TraceError(files[0].display, "/SpotPriceHistory",
                     fmt::format("expected at least one price entry for \"{}\"{}, got none{}", options.product,
                                 options.skip_unknown_types ? " and a type of the catalog" : "",
                                 skipped + skipped_types > 0 ? fmt::format(" ({} skipped)", entries(skipped + skipped_types)) : ""));
  if (skipped > 0)
    warnings.push_back(fmt::format("{}: skipped {} for products other than \"{}\" ({})", shown, entries(skipped), options.product,
                                   join(products)));
  if (skipped_types > 0)
    warnings.push_back(fmt::format("{}: skipped {} of {} instance type(s) not in the catalog: {}", shown, entries(skipped_types),
                                   types.size(), join(types)));

  std::vector<SpotPriceSeries> out;
  out.reserve(reader.pools().size());
  for (auto& [key, points] : reader.pools()) {
    const auto& [type, zone] = key;
    // File order breaks ties so that "here" in a conflict is the entry read last.
    std::sort(points.begin(), points.end(),
              [](const Point& a, const Point& b) { return std::tie(a.at, a.file, a.index) < std::tie(b.at, b.file, b.index); });
    SpotPriceSeries s;
    s.instance_type = type;
    s.zone = zone;
    const Point* kept = nullptr;
    for (const Point& p : points) {
      if (kept && kept->at == p.at) {
        if (kept->price_usd_per_h == p.price_usd_per_h) continue;  // the same page given twice, or overlapping windows
        const std::string other = fmt::format("{}/SpotPriceHistory/{}/SpotPrice",
                                              kept->file == p.file ? "" : files[kept->file].display + " ", kept->index);
        throw TraceError(files[p.file].display, fmt::format("/SpotPriceHistory/{}/SpotPrice", p.index),
                         fmt::format("expected one price for {} in {} at {}, got {} here and {} at {}", type, zone, format_utc(p.at),
                                     p.price_usd_per_h, kept->price_usd_per_h, other));
      }
      s.steps.push_back({p.at, p.price_usd_per_h});
      kept = &p;
    }
    // Karpenter (filterUnwantedSpot) drops spot types dearer than the cheapest on-demand type that
    // fits when a NodePool allows both, so these steps will not buy spot capacity of this type there.
    const double ondemand = catalog.at(type).ondemand_usd_per_h;
    double highest = 0;
    for (const auto& st : s.steps) highest = std::max(highest, st.price_usd_per_h);
    if (ondemand > 0 && highest > ondemand)
      warnings.push_back(fmt::format("{}: spot price of {} in {} reaches {} USD/h, above its on-demand price {} USD/h "
                                     "(Karpenter does not pick spot offerings dearer than on-demand)",
                                     shown, type, zone, highest, ondemand));
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace capsim::io
