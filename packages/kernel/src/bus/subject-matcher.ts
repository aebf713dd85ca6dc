/**
 * NATS subject rules (https://docs.nats.io/nats-concepts/subjects), mirroring nats-server's `IsValidSubject` and
 * `IsValidLiteralSubject`: tokens are separated by '.', none may be empty, whitespace is never allowed; a token that is
 * exactly `*` matches one token and a token that is exactly `>` matches one or more trailing tokens (so it must come
 * last). `*` or `>` inside a longer token is an ordinary character. Published subjects must be literal.
 */
import { BusSubjectError } from './bus.ts';

const SINGLE_WILDCARD = '*';
const TAIL_WILDCARD = '>';
const WHITESPACE = /[ \t\r\n\f\v]/;

function checkTokens(subject: string, allowWildcards: boolean): string[] {
  if (typeof subject !== 'string' || subject.length === 0) throw new BusSubjectError(String(subject), 'empty subject');
  if (WHITESPACE.test(subject)) throw new BusSubjectError(subject, 'whitespace is not allowed');
  const tokens = subject.split('.');
  tokens.forEach((token, index) => {
    if (token.length === 0) throw new BusSubjectError(subject, 'empty token');
    if (token !== SINGLE_WILDCARD && token !== TAIL_WILDCARD) return;
    if (!allowWildcards) throw new BusSubjectError(subject, 'wildcards are only allowed when subscribing');
    if (token === TAIL_WILDCARD && index !== tokens.length - 1) {
      throw new BusSubjectError(subject, `'${TAIL_WILDCARD}' must be the last token`);
    }
  });
  return tokens;
}

/** Validates a subject to publish or request on (no wildcards); returns its tokens. */
export function checkLiteralSubject(subject: string): string[] {
  return checkTokens(subject, false);
}

/** Validates a subscription pattern (wildcards allowed); returns its tokens. */
export function checkPattern(pattern: string): string[] {
  return checkTokens(pattern, true);
}

/** Queue group names share the subject alphabet but are a single opaque name (nats-server rejects whitespace). */
export function checkQueueName(queue: string): void {
  if (typeof queue !== 'string' || queue.length === 0 || WHITESPACE.test(queue)) {
    throw new BusSubjectError(String(queue), 'invalid queue group name');
  }
}

/** Matches pre-split subject tokens against pre-split pattern tokens (the hot path of in-process delivery). */
export function tokensMatch(patternTokens: readonly string[], subjectTokens: readonly string[]): boolean {
  for (let index = 0; index < patternTokens.length; index++) {
    const token = patternTokens[index];
    // `>` needs at least one token to swallow: `a.>` matches `a.b` and `a.b.c` but not `a`.
    if (token === TAIL_WILDCARD) return subjectTokens.length > index;
    if (index >= subjectTokens.length) return false;
    if (token !== SINGLE_WILDCARD && token !== subjectTokens[index]) return false;
  }
  return patternTokens.length === subjectTokens.length;
}

/** True when a literal subject is matched by a pattern. Both are validated. */
export function subjectMatches(pattern: string, subject: string): boolean {
  return tokensMatch(checkPattern(pattern), checkLiteralSubject(subject));
}
