#pragma once

namespace sbench::runner {

// Options with only the named fields changed (designated initializers would
// warn about the fields left out).
template <typename Options, typename Edit>
Options edited(Edit edit) {
  Options options;
  edit(options);
  return options;
}

}  // namespace sbench::runner
