// Tests run on the TypeScript sources: the "@evpn6/source" export condition makes
// cross-package imports resolve to src/ instead of a stale dist/.
module.exports = {
  'node-option': ['conditions=@evpn6/source', 'import=tsx'],
  spec: ['packages/*/test/**/*.test.ts', 'test/**/*.test.ts'],
  extension: ['ts'],
  timeout: 10000,
  reporter: 'spec',
};
