/**
 * The rule test bench (spec 02-opmas "API" `POST /api/v1/rules/test`): pasted lines go through the real parser,
 * classifier, match stage and a fresh rule engine; nothing is stored and no finding event leaves the function.
 */
import { AppError } from '@platform/kernel/http/errors.ts';
import { compileClassification, DEFAULT_CLASSIFICATION } from '../ingest/classifier.ts';
import { parseSyslog } from '../ingest/syslog-parser.ts';
import { checkRuleRegexes } from './redos-check.ts';
import { type CompiledRule, compileRule, matchRule } from './rule-compiler.ts';
import { type RuleDocument, RuleError } from './rule-document.ts';
import { RuleEngine } from './rule-engine.ts';
import type { TestbenchRequest, TestbenchResult } from './testbench.schema.ts';

/** spec "Bad input": a test bench run over this budget answers 400 `testbench_too_slow`. */
const BUDGET_MS = 2000;
const DEVICE = 'testbench';
const classifier = compileClassification(DEFAULT_CLASSIFICATION);

/** Compiles and ReDoS-checks an unsaved document with the save path's error codes. */
export async function compileCandidate(doc: Record<string, unknown>): Promise<CompiledRule> {
  try {
    const rule = compileRule(doc as unknown as RuleDocument);
    await checkRuleRegexes(doc as unknown as RuleDocument);
    return rule;
  } catch (error) {
    if (error instanceof RuleError) throw new AppError(400, error.code, error.message, error.details);
    throw error;
  }
}

/** Runs the lines against the rules, in order, with the device settings given. */
export function runTestbench(request: TestbenchRequest, rules: CompiledRule[]): TestbenchResult {
  const started = performance.now();
  const receivedAt = request.reference_time ? Date.parse(request.reference_time) : Date.now();
  const engine = new RuleEngine(rules);
  const findings = new Map<string, TestbenchResult['findings'][number]>();
  const events: TestbenchResult['events'] = [];
  for (const line of request.lines) {
    if (performance.now() - started > BUDGET_MS) {
      throw new AppError(400, 'testbench_too_slow', `the lines did not finish within ${BUDGET_MS} ms`);
    }
    const parsed = parseSyslog(line, {
      receivedAt,
      timezone: request.device?.timezone,
      format: request.device?.format as Parameters<typeof parseSyslog>[1]['format'],
      logPrefix: request.device?.log_prefix,
    });
    const matches = rules.flatMap((rule) => {
      const match = matchRule(rule, parsed);
      if (!match) return [];
      const role = match.kind === 'match' ? match.role : rule.patterns[match.pattern].role;
      return [{ rule_id: rule.id, pattern: match.pattern, role, fields: match.fields, valid: match.kind === 'match' }];
    });
    const output = engine.evaluate({ ...parsed, device: DEVICE });
    for (const finding of output.findings) {
      // One entry per episode: `updated` events carry the episode's first_seen and its grown event count.
      findings.set(`${finding.rule_id}\u0000${finding.group_key}\u0000${finding.first_seen}`, {
        rule_id: finding.rule_id,
        group_key: finding.group_key,
        event_count: finding.event_count,
        first_seen: new Date(finding.first_seen).toISOString(),
        last_seen: new Date(finding.last_seen).toISOString(),
      });
    }
    events.push({
      line,
      parse: {
        ok: parsed.ok,
        errors: parsed.errors,
        format: parsed.format,
        ts: new Date(parsed.ts).toISOString(),
        host: parsed.host,
        app: parsed.app,
        pid: parsed.pid,
        facility: parsed.facility,
        severity: parsed.severity,
        msg: parsed.msg,
      },
      domain: classifier.classify(parsed).domain,
      matches,
    });
  }
  const invalidKeys: Record<string, number> = {};
  for (const rule of rules) {
    const count = engine.stats(rule.id)?.invalid_keys ?? 0;
    if (count > 0) invalidKeys[rule.id] = count;
  }
  return { events, findings: [...findings.values()], invalid_keys: invalidKeys };
}
