#include "sbench/server/model_config.hpp"

namespace sbench::server {

std::size_t kv_dtype_bytes(KvDtype dtype) {
  return dtype == KvDtype::f16 ? 2 : 4;
}

const char* kv_dtype_name(KvDtype dtype) {
  return dtype == KvDtype::f16 ? "f16" : "f32";
}

std::optional<KvDtype> parse_kv_dtype(std::string_view name) {
  if (name == "f16")
    return KvDtype::f16;
  if (name == "f32")
    return KvDtype::f32;
  return std::nullopt;
}

}  // namespace sbench::server
