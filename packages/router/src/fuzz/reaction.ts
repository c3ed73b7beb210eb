/**
 * What a target did with one fuzz case, and the patterns an expectation is written in.
 */

export type Reaction =
  | { readonly kind: 'notification'; readonly code: number; readonly subcode: number }
  /** The session stayed up; `checked` when an observer saw the case's routes still there. */
  | { readonly kind: 'kept'; readonly checked: boolean }
  /** The session stayed up and an observer saw the case's routes withdrawn (treat-as-withdraw, AFI/SAFI disable). */
  | { readonly kind: 'withdrawn' }
  /** FIN without a NOTIFICATION first. */
  | { readonly kind: 'closed' }
  /** RST without a NOTIFICATION first. */
  | { readonly kind: 'reset' }
  /** OPEN cases: neither a session nor a NOTIFICATION within the timeout. */
  | { readonly kind: 'silent' }
  /** Afterwards the target refused new sessions (nothing listening) until the liveness timeout. */
  | { readonly kind: 'crash' }
  /** Afterwards the target accepted TCP but brought up no session until the liveness timeout. */
  | { readonly kind: 'hang' };

export type ReactionKind = Reaction['kind'];

/**
 * An acceptable reaction: a NOTIFICATION of `code` (any subcode unless listed), 'kept' (the
 * session stays and the routes with it: attribute discard, or nothing wrong), 'withdrawn' (the
 * session stays, the routes go: treat-as-withdraw or AFI/SAFI disable), 'closed' (FIN or RST:
 * only right after we sent a NOTIFICATION ourselves).
 */
export type Pattern = 'kept' | 'withdrawn' | 'closed' | { readonly code: number; readonly subcodes?: readonly number[] };

export function matches(r: Reaction, p: Pattern): boolean {
  if (p === 'kept') return r.kind === 'kept';
  // Without an observer, a kept session cannot be told from one that withdrew the routes.
  if (p === 'withdrawn') return r.kind === 'withdrawn' || (r.kind === 'kept' && !r.checked);
  if (p === 'closed') return r.kind === 'closed' || r.kind === 'reset';
  return r.kind === 'notification' && r.code === p.code && (p.subcodes === undefined || p.subcodes.includes(r.subcode));
}

export function formatPattern(p: Pattern): string {
  if (typeof p === 'string') return p;
  return p.subcodes === undefined ? `NOTIFICATION ${p.code}/*` : `NOTIFICATION ${p.code}/${p.subcodes.join('|')}`;
}

export function formatReaction(r: Reaction): string {
  switch (r.kind) {
    case 'notification':
      return `NOTIFICATION ${r.code}/${r.subcode}`;
    case 'kept':
      return r.checked ? 'kept (routes present)' : 'kept';
    default:
      return r.kind;
  }
}

/** The short name a summary table counts reactions under. */
export function reactionColumn(r: Reaction): string {
  return r.kind === 'notification' ? `${r.code}/${r.subcode}` : r.kind;
}
