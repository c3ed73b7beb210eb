/** Holding a reaction against the expectation table. */
import type { FuzzCase } from './cases.js';
import type { Expectation } from './expectations.js';
import { expectationOf } from './expectations.js';
import type { Reaction } from './reaction.js';
import { matches } from './reaction.js';
import type { OurVerdict } from './verdict.js';
import { widen } from './verdict.js';

/**
 * ok: a reaction RFC 7606 allows. rfc7606: an RFC 4271 reaction RFC 7606 replaced (the
 * session went down where it should have stayed up). unexpected: neither. crash / hang: the
 * target stopped taking sessions after the case.
 */
export type Judgement = 'ok' | 'rfc7606' | 'unexpected' | 'crash' | 'hang';

export interface CaseResult {
  readonly fuzzCase: FuzzCase;
  readonly ours: OurVerdict;
  readonly expected: Expectation;
  readonly reaction: Reaction;
  /** When the target died after the case: what it did before (a NOTIFICATION, a FIN...). */
  readonly before?: Reaction;
  readonly judgement: Judgement;
  readonly ms: number;
}

export function expectationFor(c: FuzzCase, ours: OurVerdict, external: boolean, bodyNlri: boolean, update: boolean): Expectation {
  const e = expectationOf(c.cls, { external, bodyNlri });
  // classOf names only classes the table knows (a test checks it); an unknown one expects nothing.
  return widen(e ?? { accept: [], rfc: `no expectation for class ${c.cls}` }, ours, update);
}

export function judge(reaction: Reaction, e: Expectation): Judgement {
  if (reaction.kind === 'crash' || reaction.kind === 'hang') return reaction.kind;
  if (e.accept.some((p) => matches(reaction, p))) return 'ok';
  if ((e.legacy ?? []).some((p) => matches(reaction, p))) return 'rfc7606';
  return 'unexpected';
}
