#include "load/request_source.hpp"

#include <array>
#include <fstream>

#include "cache/sha256.hpp"
#include "config/toml_json.hpp"

namespace sbench::runner {
namespace {

constexpr std::array<const char*, 32> kWords = {
    "river",   "signal", "harbor", "lantern", "meadow", "copper", "window",  "garden",
    "engine",  "velvet", "summit", "planet",  "anchor", "ribbon", "candle",  "timber",
    "falcon",  "marble", "thread", "canyon",  "beacon", "puzzle", "orchid",  "saddle",
    "glacier", "mirror", "pepper", "tunnel",  "violet", "basket", "harvest", "compass"};

std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

std::string synthetic_prompt(std::size_t index, std::size_t words) {
  std::uint64_t state = index;
  std::string prompt = "Request " + std::to_string(index) + ": write a short story using";
  for (std::size_t i = 0; i < words; ++i)
    prompt += std::string(" ") + kWords[splitmix64(state) % kWords.size()];
  return prompt;
}

// Ollama takes these at the top level; every other parameter is an option.
bool is_ollama_top_level(const std::string& name) {
  return name == "format" || name == "keep_alive" || name == "think" || name == "tools";
}

nlohmann::json parse_parameters(const std::vector<std::string>& parameters) {
  nlohmann::json parsed = nlohmann::json::object();
  for (const std::string& parameter : parameters) {
    const auto equals = parameter.find('=');
    if (equals == std::string::npos || equals == 0)
      throw InputError("--param: expected name=JSON, got " + parameter);
    const std::string value = parameter.substr(equals + 1);
    nlohmann::json json = nlohmann::json::parse(value, nullptr, false);
    // A bare word is meant as a string: --param stop=END.
    parsed[parameter.substr(0, equals)] = json.is_discarded() ? nlohmann::json(value) : json;
  }
  return parsed;
}

std::vector<nlohmann::json> read_samples(const std::filesystem::path& path, std::string& bytes) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    throw InputError("--sample: cannot read " + path.string());
  std::vector<nlohmann::json> samples;
  std::string line;
  std::size_t number = 0;
  while (std::getline(in, line)) {
    ++number;
    bytes += line;
    bytes += '\n';
    if (line.find_first_not_of(" \t\r") == std::string::npos)
      continue;
    nlohmann::json parsed = nlohmann::json::parse(line, nullptr, false);
    if (!parsed.is_object())
      throw InputError(path.string() + ":" + std::to_string(number) + ": not a JSON object");
    // An OpenAI Batch line carries its request in `body`.
    if (parsed.contains("custom_id") && parsed.contains("body")) {
      if (!parsed["body"].is_object())
        throw InputError(path.string() + ":" + std::to_string(number) + ": body is not an object");
      parsed = parsed["body"];
    }
    samples.push_back(std::move(parsed));
  }
  if (samples.empty())
    throw InputError("--sample: " + path.string() + " has no requests");
  return samples;
}

}  // namespace

RequestSource::RequestSource(const RequestShapeOptions& shape, const LoadTarget& target)
    : target_(target), shape_(shape), parameters_(parse_parameters(shape.parameters)) {
  if (shape.max_tokens == 0)
    throw InputError("--max-tokens: expected at least 1");
  identity_ = {{"max_tokens", shape.max_tokens}, {"parameters", parameters_}};
  if (shape.sample) {
    std::string bytes;
    samples_ = read_samples(*shape.sample, bytes);
    identity_["sample_sha256"] = sha256_hex(bytes);
    const char* needed = target.api() == LoadApi::completions ? "prompt" : "messages";
    for (std::size_t i = 0; i < samples_.size(); ++i) {
      if (!samples_[i].contains(needed))
        throw InputError(shape.sample->string() + ": request " + std::to_string(i + 1) +
                         " has no " + needed + " for " + target.generation_path());
    }
  } else if (!shape.prompt.empty()) {
    identity_["prompt"] = shape.prompt;
  } else {
    identity_["synthetic_prompt_words"] = shape.prompt_words;
  }
}

nlohmann::json RequestSource::body(std::size_t index) const {
  if (!samples_.empty())
    return shaped(samples_[index % samples_.size()]);
  const std::string prompt =
      shape_.prompt.empty() ? synthetic_prompt(index, shape_.prompt_words) : shape_.prompt;
  nlohmann::json body = nlohmann::json::object();
  if (target_.api() == LoadApi::completions)
    body["prompt"] = prompt;
  else
    body["messages"] = nlohmann::json::array({{{"role", "user"}, {"content", prompt}}});
  return shaped(std::move(body));
}

nlohmann::json RequestSource::shaped(nlohmann::json body) const {
  body["model"] = target_.model();
  body["stream"] = true;
  if (target_.api() == LoadApi::ollama_chat) {
    nlohmann::json& options = body["options"];
    if (!options.is_object())
      options = nlohmann::json::object();
    if (!options.contains("num_predict"))
      options["num_predict"] = shape_.max_tokens;
    for (const auto& [name, value] : parameters_.items())
      (is_ollama_top_level(name) ? body[name] : options[name]) = value;
    return body;
  }
  if (!body.contains("max_tokens") && !body.contains("max_completion_tokens"))
    body["max_tokens"] = shape_.max_tokens;
  // The server's own token counts, not the number of chunks.
  body["stream_options"] = {{"include_usage", true}};
  for (const auto& [name, value] : parameters_.items())
    body[name] = value;
  return body;
}

}  // namespace sbench::runner
