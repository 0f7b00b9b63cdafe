#include "prompt_sizer.hpp"

#include "server_json.hpp"
#include "synthetic_prompt.hpp"

namespace sbench::detail {
namespace {

// Filler after the words: one token in byte-level and most BPE vocabularies.
constexpr char kPad = '.';
constexpr int kMaxPads = 8;

nlohmann::json next_turn(ServerApi api, nlohmann::json conversation, const std::string& text) {
  if (api == ServerApi::chat) {
    conversation.push_back({{"role", "user"}, {"content", text}});
    return conversation;
  }
  return conversation.get<std::string>() + text;
}

}  // namespace

std::optional<std::size_t> PromptSizer::count(ServerConnection& server, const Turn& turn,
                                              const std::string& text, bool& unsupported) {
  nlohmann::json body = turn.extra;
  body["model"] = model_;
  body[turn.api == ServerApi::chat ? "messages" : "prompt"] =
      next_turn(turn.api, turn.conversation, text);
  const http::Response response = server.send(http::post_json("/tokenize", body.dump()));
  if (!response.ok()) {
    // No such route, or one that refuses this shape: that will not change.
    // A timeout, an overload (429, 5xx) may.
    unsupported = (response.status >= 400 && response.status < 500 && response.status != 429) ||
                  response.status == 501;
    return std::nullopt;
  }
  const nlohmann::json answer = parse_body(response);
  std::optional<std::size_t> counted = optional_field<std::size_t>(answer, "count");
  if (const nlohmann::json& tokens = member(answer, "tokens"); !counted && tokens.is_array())
    counted = tokens.size();
  unsupported = !counted;
  return counted;
}

std::optional<std::string> PromptSizer::search(ServerConnection& server, const Turn& turn,
                                               std::size_t total, std::uint64_t seed,
                                               bool& unsupported) {
  const auto counts = [&](const std::string& text) {
    return count(server, turn, text, unsupported);
  };
  const auto words = [&](int count) { return synthetic_words(count, seed); };
  const auto one = counts(words(1));
  // A server that counts nothing for a word (llama.cpp's /tokenize reads no
  // messages) cannot size anything.
  if (one == std::size_t{0})
    unsupported = true;
  if (!one || *one == 0)
    return std::nullopt;
  if (*one >= total)
    return words(1);
  // Every word is at least one token: the largest count <= total is found
  // between a doubling that passes it and the one before.
  int low = 1;
  int high = 2;
  for (;;) {
    const auto counted = counts(words(high));
    if (!counted)
      return std::nullopt;
    if (*counted > total || static_cast<std::size_t>(high) >= total)
      break;
    low = high;
    high *= 2;
  }
  while (high - low > 1) {
    const int middle = low + (high - low) / 2;
    const auto counted = counts(words(middle));
    if (!counted)
      return std::nullopt;
    (*counted <= total ? low : high) = middle;
  }
  std::string text = words(low);
  for (int pads = 0; pads < kMaxPads; ++pads) {
    const auto counted = counts(text + kPad);
    if (!counted || *counted > total)
      break;
    text += kPad;
    if (*counted == total)
      break;
  }
  return text;
}

std::optional<std::string> PromptSizer::text_for(ServerConnection& server, const Turn& turn,
                                                 std::size_t total, std::uint64_t seed) {
  const nlohmann::json& conversation = turn.conversation;
  const bool first_turn =
      conversation.is_array() ? conversation.empty() : conversation.get<std::string>().empty();
  // Every fresh agent of a batch asks for the same first turn at once: one
  // searches, the others wait for its answer instead of searching too.
  std::unique_lock first_turn_search(first_turn_search_, std::defer_lock);
  if (first_turn)
    first_turn_search.lock();
  {
    std::lock_guard lock(mutex_);
    if (available_ == false)
      return std::nullopt;
    if (first_turn) {
      if (const auto known = first_turns_.find({total, seed}); known != first_turns_.end())
        return known->second;
    }
  }
  bool unsupported = false;
  const std::optional<std::string> text = search(server, turn, total, seed, unsupported);
  std::lock_guard lock(mutex_);
  if (!text) {
    if (unsupported)
      available_ = false;
    return std::nullopt;
  }
  available_ = true;
  if (first_turn)
    first_turns_[{total, seed}] = *text;
  return text;
}

}  // namespace sbench::detail
