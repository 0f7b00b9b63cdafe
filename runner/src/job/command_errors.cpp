#include "job/command_errors.hpp"

#include <exception>

#include "config/toml_json.hpp"
#include "sbench/exit_codes.hpp"

namespace sbench::runner {

int reporting_errors(std::string_view command, std::ostream& err,
                     const std::function<int()>& body) {
  try {
    return body();
  } catch (const InputError& error) {
    err << command << ": " << error.what() << "\n";
    return exit_usage;
  } catch (const std::exception& error) {
    err << command << ": error: " << error.what() << "\n";
    return exit_error;
  }
}

}  // namespace sbench::runner
