/**
 * Where native/'s addons are: EVPN6_NATIVE_DIR, else native/build/Release of this checkout. Only a
 * path: each addon is still loaded by its own one module (netlink/binding.ts, forwarder/binding.ts).
 */
import { fileURLToPath } from 'node:url';

export function nativeAddonFile(file: string): string {
  const dir = process.env['EVPN6_NATIVE_DIR'];
  if (dir !== undefined && dir !== '') return `${dir.replace(/\/$/, '')}/${file}`;
  // src/native-path.ts and dist/native-path.js sit at the same depth under packages/router.
  return fileURLToPath(new URL(`../../../native/build/Release/${file}`, import.meta.url));
}
