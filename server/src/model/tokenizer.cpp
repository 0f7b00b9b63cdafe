#include "sbench/server/tokenizer.hpp"

#include <stdexcept>

#include "model/random.hpp"

namespace sbench::server {

ByteTokenizer::ByteTokenizer(int vocab_size) : vocab_size_(vocab_size) {
  if (vocab_size < kMinVocab)
    throw std::invalid_argument("byte tokenizer needs a vocabulary of at least " +
                                std::to_string(kMinVocab) + " tokens, got " +
                                std::to_string(vocab_size));
}

std::vector<int> ByteTokenizer::encode(std::string_view text) const {
  std::vector<int> tokens;
  tokens.reserve(text.size());
  for (unsigned char byte : text)
    tokens.push_back(kByteOffset + byte);
  return tokens;
}

std::string ByteTokenizer::decode(int token) const {
  if (token >= kByteOffset && token < kMinVocab)
    return std::string(1, static_cast<char>(token - kByteOffset));
  if (token == kUnk)
    return "<unk>";
  if (token == kBos)
    return "<s>";
  if (token == kEos)
    return "</s>";
  return "<tok:" + std::to_string(token) + ">";
}

std::string ByteTokenizer::decode(const std::vector<int>& tokens) const {
  std::string text;
  text.reserve(tokens.size());
  for (int token : tokens)
    text += decode(token);
  return text;
}

std::vector<int> synthetic_prompt(int count, std::uint64_t seed) {
  constexpr int kFirstPrintable = 0x20;
  constexpr int kPrintableCount = 0x7F - kFirstPrintable;  // space .. '~'
  if (count < 0)
    throw std::invalid_argument("synthetic prompt length must not be negative");
  const model::CounterRandom random(seed);
  std::vector<int> tokens(count);
  for (int i = 0; i < count; ++i)
    tokens[i] = ByteTokenizer::kByteOffset + kFirstPrintable +
                static_cast<int>(random.bits(i) % kPrintableCount);
  return tokens;
}

}  // namespace sbench::server
