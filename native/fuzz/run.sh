#!/usr/bin/env bash
# Builds native/ with clang, AddressSanitizer and UBSan in native/build-fuzz, with the forwarder core's
# libFuzzer harness, and runs the fwd_* ctests there: the unit tests and vectors under the
# sanitizers, the committed regressions, then the fuzzer from the seeds for a bounded time.
#   native/fuzz/run.sh              60 s (CI)
#   native/fuzz/run.sh 3600         an hour
#   FUZZ_JOBS=8 native/fuzz/run.sh 0   until stopped, 8 processes (direct libFuzzer run, no ctest)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-60}"
command -v clang >/dev/null || { echo "fuzz/run.sh: clang is missing (apt-get install clang libclang-rt-14-dev)" >&2; exit 1; }
cmake -S . -B build-fuzz -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=Debug -DEVPN6_FUZZ=ON \
  -DCMAKE_C_FLAGS="-fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer" \
  -DEVPN6_FUZZ_SECONDS="$seconds" >/dev/null
echo '*' > build-fuzz/.gitignore
if [ "$seconds" = 0 ]; then
  cmake --build build-fuzz --target fwd_fuzz
  # libFuzzer writes fuzz-<n>.log files into the working directory with -jobs: keep them in build-fuzz.
  mkdir -p build-fuzz/fuzz-corpus build-fuzz/artifacts
  cd build-fuzz
  exec ./fwd_fuzz -jobs="${FUZZ_JOBS:-1}" -workers="${FUZZ_JOBS:-1}" -timeout=10 \
    -artifact_prefix=artifacts/ fuzz-corpus ../fuzz/seeds
fi
cmake --build build-fuzz
ctest --test-dir build-fuzz --output-on-failure -R '^fwd_'
