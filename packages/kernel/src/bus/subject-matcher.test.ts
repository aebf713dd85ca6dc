import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BusSubjectError } from './bus.ts';
import { checkLiteralSubject, checkPattern, checkQueueName, subjectMatches, tokensMatch } from './subject-matcher.ts';

test('exact patterns match only the identical subject', () => {
  assert.equal(subjectMatches('opmas.logs.wifi.ap1', 'opmas.logs.wifi.ap1'), true);
  assert.equal(subjectMatches('opmas.logs.wifi.ap1', 'opmas.logs.wifi.ap2'), false);
  assert.equal(subjectMatches('opmas.logs.wifi', 'opmas.logs.wifi.ap1'), false);
  assert.equal(subjectMatches('opmas.logs.wifi.ap1', 'opmas.logs.wifi'), false);
  // Tokens compare case-sensitively, as on NATS.
  assert.equal(subjectMatches('opmas.logs', 'OPMAS.logs'), false);
});

test('`*` stands for exactly one token in any position', () => {
  assert.equal(subjectMatches('opmas.logs.*.ap1', 'opmas.logs.wifi.ap1'), true);
  assert.equal(subjectMatches('*.logs', 'opmas.logs'), true);
  assert.equal(subjectMatches('opmas.*', 'opmas.logs'), true);
  assert.equal(subjectMatches('opmas.*', 'opmas.logs.wifi'), false);
  assert.equal(subjectMatches('opmas.*', 'opmas'), false);
  assert.equal(subjectMatches('*.*.*', 'a.b.c'), true);
  assert.equal(subjectMatches('*.*.*', 'a.b'), false);
  assert.equal(subjectMatches('*', 'a'), true);
  assert.equal(subjectMatches('*', 'a.b'), false);
});

test('`>` stands for one or more trailing tokens', () => {
  assert.equal(subjectMatches('opmas.findings.>', 'opmas.findings.security'), true);
  assert.equal(subjectMatches('opmas.findings.>', 'opmas.findings.security.extra.deep'), true);
  assert.equal(subjectMatches('opmas.findings.>', 'opmas.findings'), false);
  assert.equal(subjectMatches('opmas.findings.>', 'opmas.facts.dhcp'), false);
  assert.equal(subjectMatches('>', 'a'), true);
  assert.equal(subjectMatches('>', 'a.b.c'), true);
  assert.equal(subjectMatches('opmas.*.>', 'opmas.agents.heartbeat.node1'), true);
  assert.equal(subjectMatches('opmas.*.>', 'opmas.agents'), false);
});

test('wildcard characters inside a longer token are literal', () => {
  assert.equal(subjectMatches('a.b*', 'a.b*'), true);
  assert.equal(subjectMatches('a.b*', 'a.bc'), false);
  assert.equal(subjectMatches('a.>b', 'a.>b'), true);
  assert.equal(subjectMatches('a.>b', 'a.x'), false);
});

test('tokensMatch works on pre-split tokens', () => {
  assert.equal(tokensMatch(['a', '*', '>'], ['a', 'b', 'c', 'd']), true);
  assert.equal(tokensMatch(['a', '*', '>'], ['a', 'b']), false);
  assert.equal(tokensMatch([], []), true);
});

test('literal subjects reject empty tokens, whitespace and wildcards', () => {
  assert.deepEqual(checkLiteralSubject('opmas.logs.wifi.ap-1_x'), ['opmas', 'logs', 'wifi', 'ap-1_x']);
  const invalid: Array<[string, RegExp]> = [
    ['', /empty subject/],
    ['a..b', /empty token/],
    ['.a', /empty token/],
    ['a.', /empty token/],
    ['.', /empty token/],
    ['a b', /whitespace/],
    ['a\tb', /whitespace/],
    ['a\nb', /whitespace/],
    ['a\r', /whitespace/],
    ['a.*', /only allowed when subscribing/],
    ['>', /only allowed when subscribing/],
    ['a.>.b', /only allowed when subscribing/],
  ];
  for (const [subject, reason] of invalid) {
    assert.throws(
      () => checkLiteralSubject(subject),
      (error: unknown) => {
        assert.ok(error instanceof BusSubjectError, `${JSON.stringify(subject)} throws BusSubjectError`);
        assert.equal(error.code, 'bus_invalid_subject');
        assert.equal(error.subject, subject);
        assert.match(error.message, reason);
        return true;
      },
    );
  }
});

test('patterns allow wildcards but `>` only as the last token', () => {
  assert.deepEqual(checkPattern('a.*.>'), ['a', '*', '>']);
  assert.deepEqual(checkPattern('>'), ['>']);
  assert.deepEqual(checkPattern('*'), ['*']);
  assert.throws(() => checkPattern('a.>.b'), /must be the last token/);
  assert.throws(() => checkPattern('>.a'), /must be the last token/);
  assert.throws(() => checkPattern('a..*'), BusSubjectError);
  assert.throws(() => checkPattern('a.* '), BusSubjectError);
  assert.throws(() => checkPattern(''), BusSubjectError);
});

test('subjectMatches validates both sides', () => {
  assert.throws(() => subjectMatches('a..b', 'a.x.b'), BusSubjectError);
  assert.throws(() => subjectMatches('a.*', 'a.*'), BusSubjectError);
});

test('queue names must be non-empty and free of whitespace', () => {
  checkQueueName('opmas-agent-wifi');
  checkQueueName('opmas.facts');
  assert.throws(() => checkQueueName(''), BusSubjectError);
  assert.throws(() => checkQueueName('two words'), BusSubjectError);
});
