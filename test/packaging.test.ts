/**
 * Each package packs only what a user needs (issue #2): compiled JS and type declarations,
 * its README and package.json — never sources, tests, build info or benchmarks. Runs on the
 * dist/ that `npm test` builds first.
 */
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const PACKAGES = ['bgp', 'evpn', 'vxlan', 'router'] as const;

describe('packaging: npm pack --dry-run', function () {
  this.timeout(60000);
  for (const name of PACKAGES) {
    it(`@evpn6/${name} packs only dist JS, declarations, README and package.json`, () => {
      const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
        cwd: `packages/${name}`,
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      const [info] = JSON.parse(out) as Array<{ files: Array<{ path: string }> }>;
      const files = info!.files.map((f) => f.path);
      expect(files).to.include('package.json');
      expect(files).to.include('dist/index.js');
      expect(files).to.include('dist/index.d.ts');
      const stray = files.filter((f) => !(f === 'package.json' || f === 'README.md' || /^dist\/.*\.(js|d\.ts)$/.test(f)));
      expect(stray, 'files a user does not need').to.deep.equal([]);

      const pkg = JSON.parse(readFileSync(`packages/${name}/package.json`, 'utf8')) as { exports: Record<string, Record<string, string>> };
      for (const [sub, conditions] of Object.entries(pkg.exports)) {
        if (typeof conditions !== 'object') continue;
        expect(conditions['types'], `${sub} exports types`).to.match(/^\.\/dist\/.*\.d\.ts$/);
        expect(files, `${sub} types are packed`).to.include(conditions['types']!.slice(2));
        expect(files, `${sub} code is packed`).to.include(conditions['default']!.slice(2));
      }
    });
  }
});
