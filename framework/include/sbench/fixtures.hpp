#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <type_traits>
#include <typeinfo>
#include <vector>

#include "sbench/config.hpp"

namespace sbench {

// A suite-scope fixture (pytest's scope="module"): built by the first case
// that asks for it, shared by every case of the executable, destroyed at exit.
//
// To write one, derive from SuiteFixture and give it a constructor taking
// either `const sbench::Config&` or `sbench::Fixtures&` (to reach the config
// and other fixtures it depends on). The constructor sets everything up or
// throws; the destructor is the teardown. Both must be bounded in time: a
// constructor that waits (health polling) stops waiting once
// sbench::interrupted() is true. The destructor may run on another thread
// than the constructor (on SIGINT/SIGTERM).
class SuiteFixture {
 public:
  virtual ~SuiteFixture() = default;
};

// A fixture that could not be built; every later request for it gets the
// same message instead of a retry.
class FixtureError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// True once SIGINT or SIGTERM arrived: stop waiting, the suite is tearing down.
bool interrupted() noexcept;

// The suite's fixtures: `fixtures.get<ServerFixture>()`. Thread-safe.
class Fixtures {
 public:
  explicit Fixtures(Config config);
  ~Fixtures();  // teardown()
  Fixtures(const Fixtures&) = delete;
  Fixtures& operator=(const Fixtures&) = delete;

  const Config& config() const { return config_; }

  // Builds the fixture on first use. Throws FixtureError if it cannot be built
  // (now or earlier), depends on itself, or the fixtures were torn down.
  template <class Fixture>
  Fixture& get() {
    static_assert(std::is_base_of_v<SuiteFixture, Fixture>,
                  "a fixture derives from sbench::SuiteFixture");
    return static_cast<Fixture&>(get_or_build(typeid(Fixture), &build<Fixture>));
  }

  // Destroys the built fixtures, last built first. Idempotent.
  void teardown() noexcept;

  // teardown(), unless another thread keeps the fixtures busy (building one)
  // for longer than `patience`; returns whether it tore down.
  bool teardown_within(std::chrono::milliseconds patience) noexcept;

 private:
  struct Slot;
  using Builder = std::unique_ptr<SuiteFixture> (*)(Fixtures&);

  template <class Fixture>
  static std::unique_ptr<SuiteFixture> build(Fixtures& fixtures) {
    if constexpr (std::is_constructible_v<Fixture, Fixtures&>) {
      return std::make_unique<Fixture>(fixtures);
    } else {
      static_assert(std::is_constructible_v<Fixture, const Config&>,
                    "a fixture is constructible from sbench::Fixtures& or const sbench::Config&");
      return std::make_unique<Fixture>(fixtures.config_);
    }
  }

  SuiteFixture& get_or_build(const std::type_info& type, Builder builder);
  void destroy_all() noexcept;

  Config config_;
  std::recursive_timed_mutex mutex_;  // recursive: a fixture's constructor may get() others
  std::vector<std::unique_ptr<Slot>> slots_;
  std::vector<Slot*> built_;  // in the order their constructors finished
  bool torn_down_ = false;
};

}  // namespace sbench
