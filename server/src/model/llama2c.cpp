// llama2.c checkpoints: a header of seven int32 (dim, hidden_dim, n_layers,
// n_heads, n_kv_heads, vocab_size, seq_len; a negative vocab_size means the
// classifier is stored separately), then float32 tensors in
// llama2c_tensor_order(), with RoPE tables [seq_len][head_dim / 2] (real,
// then imaginary) between the final norm and the classifier.
#include "sbench/server/llama2c.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "model/llama2c_file.hpp"
#include "model/synthetic_weights.hpp"
#include "sbench/server/tokenizer.hpp"

namespace sbench::server {
namespace {

using model::TensorId;
using model::TensorShape;

constexpr std::size_t kHeaderFields = 7;
constexpr std::size_t kHeaderBytes = kHeaderFields * sizeof(std::int32_t);
// Loaded models accept contexts at least this long whatever the file's
// seq_len: RoPE is computed per position, the file's tables are not used.
constexpr int kMinLoadedContext = 16384;
// Bounds every size product well inside 64 bits.
constexpr int kMaxDimension = 1 << 20;

// Returns what is wrong with a shape for a llama2.c file, or "" when nothing.
std::string shape_problem(const ModelConfig& c) {
  const std::pair<const char*, int> fields[] = {{"dim", c.dim},
                                                {"hidden_dim", c.hidden_dim},
                                                {"n_layers", c.n_layers},
                                                {"n_heads", c.n_heads},
                                                {"n_kv_heads", c.n_kv_heads},
                                                {"vocab_size", c.vocab_size},
                                                {"seq_len", c.max_seq_len}};
  for (const auto& [name, value] : fields) {
    if (value <= 0)
      return std::string(name) + " is " + std::to_string(value) + ", not positive";
    if (value > kMaxDimension)
      return std::string(name) + " is " + std::to_string(value) + ", larger than " +
             std::to_string(kMaxDimension);
  }
  if (c.dim % c.n_heads != 0)
    return "dim " + std::to_string(c.dim) + " is not a multiple of n_heads " +
           std::to_string(c.n_heads);
  if (c.head_dim() % 2 != 0)
    return "head size " + std::to_string(c.head_dim()) + " is odd (RoPE rotates pairs)";
  if (c.n_heads % c.n_kv_heads != 0)
    return "n_heads " + std::to_string(c.n_heads) + " is not a multiple of n_kv_heads " +
           std::to_string(c.n_kv_heads);
  if (c.vocab_size < ByteTokenizer::kMinVocab)
    return "vocab_size " + std::to_string(c.vocab_size) + " is below " +
           std::to_string(ByteTokenizer::kMinVocab) + " (the byte tokenizer needs ids 3..258)";
  return "";
}

std::size_t rope_table_floats(const ModelConfig& c) {
  return static_cast<std::size_t>(c.max_seq_len) * (c.head_dim() / 2);
}

std::size_t expected_file_bytes(const ModelConfig& c) {
  std::size_t floats = 2 * rope_table_floats(c);
  for (const TensorShape& shape : model::llama2c_tensor_order(c))
    floats += shape.floats();
  return kHeaderBytes + floats * sizeof(float);
}

[[noreturn]] void fail(const std::filesystem::path& file, const std::string& what) {
  throw std::runtime_error("llama2.c checkpoint " + file.string() + ": " + what);
}

// The whole file mapped read-only: tensors are read in place and the pages
// stay in the page cache, not in our RSS, once the weights are packed.
class MappedFile {
 public:
  explicit MappedFile(const std::filesystem::path& file) {
    const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
      fail(file, std::string("cannot open: ") + std::strerror(errno));
    struct stat info {};
    if (::fstat(fd, &info) != 0) {
      const int error = errno;
      ::close(fd);
      fail(file, std::string("cannot stat: ") + std::strerror(error));
    }
    size_ = static_cast<std::size_t>(info.st_size);
    if (size_ > 0)
      data_ = ::mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
    const int error = errno;
    ::close(fd);
    if (data_ == MAP_FAILED)
      fail(file, std::string("cannot map: ") + std::strerror(error));
  }
  ~MappedFile() {
    if (data_ != nullptr && data_ != MAP_FAILED)
      ::munmap(data_, size_);
  }
  MappedFile(const MappedFile&) = delete;
  MappedFile& operator=(const MappedFile&) = delete;

  const unsigned char* bytes() const { return static_cast<const unsigned char*>(data_); }
  std::size_t size() const { return size_; }

 private:
  void* data_ = nullptr;
  std::size_t size_ = 0;
};

ModelConfig config_from_header(const std::filesystem::path& file, const MappedFile& mapped) {
  if (mapped.size() < kHeaderBytes)
    fail(file, "is " + std::to_string(mapped.size()) + " bytes, shorter than the " +
                   std::to_string(kHeaderBytes) + "-byte header");
  std::array<std::int32_t, kHeaderFields> header{};
  std::memcpy(header.data(), mapped.bytes(), kHeaderBytes);
  ModelConfig config;
  config.name = file.stem().string();
  config.dim = header[0];
  config.hidden_dim = header[1];
  config.n_layers = header[2];
  config.n_heads = header[3];
  config.n_kv_heads = header[4];
  config.shared_classifier = header[5] > 0;
  // Negating INT32_MIN would overflow; it is invalid anyway.
  config.vocab_size = header[5] == INT32_MIN ? 0 : std::abs(header[5]);
  config.max_seq_len = header[6];
  if (const std::string problem = shape_problem(config); !problem.empty())
    fail(file, "bad header: " + problem);
  const std::size_t expected = expected_file_bytes(config);
  if (mapped.size() != expected)
    fail(file, "is " + std::to_string(mapped.size()) + " bytes but its header (dim " +
                   std::to_string(config.dim) + ", " + std::to_string(config.n_layers) +
                   " layers, vocab " + std::to_string(config.vocab_size) +
                   (config.shared_classifier ? ", shared" : ", unshared") +
                   " classifier) implies " + std::to_string(expected) +
                   (mapped.size() < expected ? " (truncated?)" : ""));
  return config;
}

void write_floats(std::ofstream& out, const float* data, std::size_t count) {
  out.write(reinterpret_cast<const char*>(data),
            static_cast<std::streamsize>(count * sizeof(float)));
}

void write_rope_tables(std::ofstream& out, const ModelConfig& c) {
  const int pairs = c.head_dim() / 2;
  std::vector<float> real(rope_table_floats(c));
  std::vector<float> imag(real.size());
  for (int pos = 0; pos < c.max_seq_len; ++pos)
    for (int i = 0; i < pairs; ++i) {
      const double angle =
          pos * std::pow(static_cast<double>(c.rope_theta), -2.0 * i / c.head_dim());
      real[static_cast<std::size_t>(pos) * pairs + i] = static_cast<float>(std::cos(angle));
      imag[static_cast<std::size_t>(pos) * pairs + i] = static_cast<float>(std::sin(angle));
    }
  write_floats(out, real.data(), real.size());
  write_floats(out, imag.data(), imag.size());
}

}  // namespace

namespace model {

Weights load_llama2c(const std::filesystem::path& file, ThreadPool& pool) {
  const MappedFile mapped(file);
  ModelConfig config = config_from_header(file, mapped);
  const auto* cursor = reinterpret_cast<const float*>(mapped.bytes() + kHeaderBytes);

  WeightsBuilder builder(config, pool);
  for (const TensorShape& shape : llama2c_tensor_order(config)) {
    if (shape.id == TensorId::kClassifier)
      cursor += 2 * rope_table_floats(config);
    for (int layer = 0; layer < shape.layers; ++layer, cursor += shape.slice_floats())
      builder.add(shape, layer, cursor);
  }
  Weights weights = builder.finish();
  weights.config.max_seq_len = std::max(config.max_seq_len, kMinLoadedContext);
  return weights;
}

}  // namespace model

void write_llama2c(const std::filesystem::path& file, const ModelConfig& config,
                   std::uint64_t seed) {
  if (const std::string problem = shape_problem(config); !problem.empty())
    throw std::invalid_argument("cannot write a llama2.c checkpoint: " + problem);
  std::ofstream out(file, std::ios::binary | std::ios::trunc);
  if (!out)
    fail(file, "cannot create");

  const std::array<std::int32_t, kHeaderFields> header{
      config.dim,        config.hidden_dim,
      config.n_layers,   config.n_heads,
      config.n_kv_heads, config.shared_classifier ? config.vocab_size : -config.vocab_size,
      config.max_seq_len};
  out.write(reinterpret_cast<const char*>(header.data()), kHeaderBytes);

  model::ThreadPool pool(0);
  std::vector<float> slice;
  for (const TensorShape& shape : model::llama2c_tensor_order(config)) {
    if (shape.id == TensorId::kClassifier)
      write_rope_tables(out, config);
    slice.resize(shape.slice_floats());
    for (int layer = 0; layer < shape.layers; ++layer) {
      model::synthetic_tensor(seed, config, shape, layer, slice, pool);
      write_floats(out, slice.data(), slice.size());
    }
  }
  if (config.shared_classifier)
    write_rope_tables(out, config);
  out.close();
  if (!out)
    fail(file, "write failed");
}

}  // namespace sbench::server
