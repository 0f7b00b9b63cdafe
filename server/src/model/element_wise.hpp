#pragma once

// Loops over a row's elements written in fixed-width blocks plus a tail: the
// blocks' constant-length inner loops vectorize at -O2 (the default preset's
// RelWithDebInfo), where GCC only vectorizes loops needing no scalar tail or
// alias check, as well as at -O3. Each element gets the one operation the
// plain loop would give it, so the results are the same bits.
namespace sbench::server::model {

inline constexpr int kElementBlock = 16;

// to[i] += from[i]
inline void add_into(float* __restrict to, const float* __restrict from, int count) {
  int i = 0;
  for (; i + kElementBlock <= count; i += kElementBlock)
    for (int j = 0; j < kElementBlock; ++j)
      to[i + j] += from[i + j];
  for (; i < count; ++i)
    to[i] += from[i];
}

// v[i] *= factor
inline void scale_in_place(float* v, int count, float factor) {
  int i = 0;
  for (; i + kElementBlock <= count; i += kElementBlock)
    for (int j = 0; j < kElementBlock; ++j)
      v[i + j] *= factor;
  for (; i < count; ++i)
    v[i] *= factor;
}

// to[i] = from[i] * factor
inline void scale_into(const float* __restrict from, int count, float factor,
                       float* __restrict to) {
  int i = 0;
  for (; i + kElementBlock <= count; i += kElementBlock)
    for (int j = 0; j < kElementBlock; ++j)
      to[i + j] = from[i + j] * factor;
  for (; i < count; ++i)
    to[i] = from[i] * factor;
}

}  // namespace sbench::server::model
