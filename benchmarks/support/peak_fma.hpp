#pragma once

namespace sbench::bench {

// The machine's peak single-precision multiply-add rate in FLOP/s (an FMA
// counts two): `threads` threads (0: one per hardware thread) each run
// independent chains of FMAs of the widest vectors the CPU has (16 floats
// with AVX-512, 8 with AVX2), on registers, with no memory traffic. The best
// of several passes is returned, since a roofline is a ceiling. On a CPU
// without AVX2+FMA: scalar fma(), the portable kernels' own ceiling.
double measure_peak_fma(int threads);

}  // namespace sbench::bench
