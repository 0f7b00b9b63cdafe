#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace sbench::server {

// Byte-level tokenizer laid out like llama's SentencePiece byte fallback:
// 0 = <unk>, 1 = <s> (BOS), 2 = </s> (EOS), 3..258 = bytes 0x00..0xFF. A
// llama2.c checkpoint with a 32000-token vocabulary therefore shares the byte
// ids; its other ids have no text here and decode to a "<tok:N>" placeholder.
class ByteTokenizer {
 public:
  static constexpr int kUnk = 0;
  static constexpr int kBos = 1;
  static constexpr int kEos = 2;
  static constexpr int kByteOffset = 3;
  static constexpr int kMinVocab = kByteOffset + 256;

  explicit ByteTokenizer(int vocab_size);

  std::vector<int> encode(std::string_view text) const;
  // Text of one token. A multi-byte UTF-8 character spans several tokens, so
  // a single token's text may be an incomplete sequence.
  std::string decode(int token) const;
  std::string decode(const std::vector<int>& tokens) const;
  int vocab_size() const { return vocab_size_; }

 private:
  int vocab_size_;
};

// `count` printable-ASCII token ids, deterministic in `seed`: the body of a
// `prompt_tokens: N` request, so benchmarks can ask for exact prompt lengths.
std::vector<int> synthetic_prompt(int count, std::uint64_t seed);

}  // namespace sbench::server
