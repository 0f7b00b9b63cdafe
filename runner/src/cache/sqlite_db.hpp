#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace sbench::runner {

// A thin RAII layer over SQLite's C API: a connection, prepared statements
// with positional binding, and errors as StoreError with SQLite's message.
class SqliteDb {
 public:
  SqliteDb(const std::filesystem::path& file, bool read_only);
  ~SqliteDb();
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;

  void exec(const std::string& sql);
  // Runs `body` between BEGIN IMMEDIATE and COMMIT; anything it throws (or
  // a failed COMMIT) rolls the transaction back and is passed on.
  template <class Body>
  void transaction(Body&& body) {
    exec("BEGIN IMMEDIATE");
    try {
      body();
      exec("COMMIT");
    } catch (...) {
      rollback_quietly();
      throw;
    }
  }
  sqlite3* handle() const { return db_; }
  [[noreturn]] void fail(const std::string& what) const;

 private:
  // The transaction may already be gone (SQLite rolls back on some errors);
  // the error that led here is the one worth reporting.
  void rollback_quietly() noexcept;

  std::filesystem::path file_;
  sqlite3* db_ = nullptr;
};

class SqliteStatement {
 public:
  SqliteStatement(const SqliteDb& db, const char* sql);
  ~SqliteStatement();
  SqliteStatement(const SqliteStatement&) = delete;
  SqliteStatement& operator=(const SqliteStatement&) = delete;

  SqliteStatement& bind(int index, std::string_view text);
  SqliteStatement& bind(int index, std::int64_t number);
  SqliteStatement& bind(int index, int number) { return bind(index, std::int64_t{number}); }
  SqliteStatement& bind(int index, double number);
  SqliteStatement& bind_null(int index);
  // True while there is a row to read.
  bool step();
  void run();  // steps to the end
  void reset();

  std::string text(int column) const;
  std::int64_t integer(int column) const;
  double real(int column) const;
  bool is_null(int column) const;

 private:
  const SqliteDb& db_;
  sqlite3_stmt* statement_ = nullptr;
};

}  // namespace sbench::runner
