/**
 * Shrinks an input that makes `stillFails` true: first by cutting the tail, then by removing
 * chunks of decreasing size anywhere. Greedy (a ddmin-style pass), bounded by `maxTries` calls
 * of `stillFails`, so a slow failure cannot stall the fuzz run. The result still fails.
 */
export function minimize(input: Uint8Array, stillFails: (bytes: Uint8Array) => boolean, maxTries = 4000): Uint8Array {
  let best = input;
  let tries = 0;
  const attempt = (candidate: Uint8Array): boolean => {
    if (tries >= maxTries) return false;
    tries++;
    if (!stillFails(candidate)) return false;
    best = candidate;
    return true;
  };
  // Tail cuts: halve the cut size whenever a cut stops failing.
  for (let cut = best.length >> 1; cut >= 1 && tries < maxTries; ) {
    if (cut <= best.length && attempt(best.subarray(0, best.length - cut).slice())) continue;
    cut >>= 1;
  }
  for (let size = Math.max(1, best.length >> 1); size >= 1 && tries < maxTries; size >>= 1) {
    for (let at = 0; at + size <= best.length && tries < maxTries; ) {
      const candidate = new Uint8Array(best.length - size);
      candidate.set(best.subarray(0, at));
      candidate.set(best.subarray(at + size), at);
      if (!attempt(candidate)) at += size;
    }
  }
  return best;
}
