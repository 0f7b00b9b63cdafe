#pragma once

namespace sbench::bench {

// Sustained read bandwidth of main memory in bytes/s: `threads` threads (0:
// one per hardware thread) each stream through their share of a buffer far
// larger than the last-level cache. The best of several passes is returned,
// since a roofline is a ceiling.
double measure_read_bandwidth(int threads);

}  // namespace sbench::bench
