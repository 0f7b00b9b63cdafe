#pragma once

#include <bit>
#include <cstdint>

// IEEE 754 binary16 conversions in plain C++, bit-identical to the F16C
// instructions (round to nearest, ties to even; subnormals, infinities and
// NaNs kept), so an f16 cache file reads the same on any CPU.

namespace sbench::server::model {

inline float half_to_float(std::uint16_t half) {
  const std::uint32_t sign = static_cast<std::uint32_t>(half & 0x8000u) << 16;
  const std::uint32_t exponent = (half >> 10) & 0x1fu;
  std::uint32_t mantissa = half & 0x3ffu;
  if (exponent == 0x1f)  // infinity or NaN (payload kept, quiet bit set as F16C does)
    return std::bit_cast<float>(sign | 0x7f800000u | (mantissa << 13) |
                                (mantissa != 0 ? 0x00400000u : 0u));
  if (exponent != 0)
    return std::bit_cast<float>(sign | ((exponent + 112) << 23) | (mantissa << 13));
  if (mantissa == 0)
    return std::bit_cast<float>(sign);
  // Subnormal: shift the leading one up into the implicit bit.
  int shift = 0;
  while ((mantissa & 0x400u) == 0) {
    mantissa <<= 1;
    ++shift;
  }
  return std::bit_cast<float>(sign | static_cast<std::uint32_t>(113 - shift) << 23 |
                              (mantissa & 0x3ffu) << 13);
}

inline std::uint16_t float_to_half(float value) {
  const std::uint32_t bits = std::bit_cast<std::uint32_t>(value);
  const auto sign = static_cast<std::uint16_t>((bits >> 16) & 0x8000u);
  const std::uint32_t magnitude = bits & 0x7fffffffu;
  if (magnitude >= 0x7f800000u) {  // infinity or NaN
    const std::uint32_t payload = (bits >> 13) & 0x3ffu;
    return static_cast<std::uint16_t>(sign | 0x7c00u |
                                      (magnitude > 0x7f800000u ? (payload | 0x200u) : 0u));
  }
  if (magnitude >= 0x477ff000u)  // rounds to beyond the largest half, 65504
    return static_cast<std::uint16_t>(sign | 0x7c00u);
  if (magnitude >= 0x38800000u) {                                                  // a normal half
    const std::uint32_t rounded = magnitude + 0x0fffu + ((magnitude >> 13) & 1u);  // ties to even
    return static_cast<std::uint16_t>(sign | ((rounded - 0x38000000u) >> 13));
  }
  if (magnitude < 0x33000000u)  // below half the smallest subnormal: zero
    return sign;
  // A subnormal half: the significand with its implicit bit, shifted down
  // with round to nearest, ties to even.
  const std::uint32_t exponent = magnitude >> 23;
  const std::uint32_t significand = (magnitude & 0x7fffffu) | 0x800000u;
  const std::uint32_t shift = 126 - exponent;  // 14 .. 24
  const std::uint32_t halfway = 1u << (shift - 1);
  const std::uint32_t remainder = significand & ((1u << shift) - 1);
  std::uint32_t result = significand >> shift;
  if (remainder > halfway || (remainder == halfway && (result & 1u)))
    ++result;
  return static_cast<std::uint16_t>(sign | result);
}

}  // namespace sbench::server::model
