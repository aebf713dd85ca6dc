import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { auditContextOf } from '@platform/kernel/audit/audit-context.ts';
import { errorResponses } from '@platform/kernel/http/error-shape.schema.ts';
import { AppError } from '@platform/kernel/http/errors.ts';
import type { Kernel } from '@platform/kernel/kernel.ts';
import { parse as parseYaml } from 'yaml';
import { agentHostOf } from '../agents/agent-runtime.ts';
import { PERMISSIONS } from '../opmas.permissions.ts';
import { presentRule, presentRuleVersion } from './rule.presenter.ts';
import {
  IfMatchHeaders,
  RuleDocumentBody,
  RuleIdParams,
  RuleList,
  RuleListQuery,
  RuleRollback,
  RuleStatsView,
  RuleStatusChange,
  RuleVersionList,
  RuleView,
} from './rule.schema.ts';
import { RuleService } from './rule.service.ts';
import type { RuleRow } from './rule.tables.ts';
import type { RuleDocument } from './rule-document.ts';
import { TestbenchRequest, TestbenchResult } from './testbench.schema.ts';
import { compileCandidate, runTestbench } from './testbench.service.ts';

const tags = ['opmas rules'];
const YAML_TYPES = ['application/yaml', 'application/x-yaml', 'text/yaml'];

/** `If-Match: 3` or `If-Match: "3"` → 3; anything else is refused rather than ignored. */
function expectedVersion(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  const match = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(header);
  if (!match) throw new AppError(400, 'validation_failed', 'If-Match must be a rule version');
  return Number(match[1]);
}

/** `/api/v1/rules` (spec 02-opmas "API"): CRUD with versions and rollback; bodies as JSON or YAML. */
export const ruleRoutes: FastifyPluginAsyncTypebox<{ kernel: Kernel }> = async (app, { kernel }) => {
  const service = new RuleService(kernel);
  const present = (row: RuleRow, warnings = [] as Parameters<typeof presentRule>[2]) =>
    presentRule(row, agentHostOf(kernel)?.stats(row.id), warnings);

  app.addContentTypeParser(YAML_TYPES, { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, parseYaml(body as string));
    } catch (error) {
      done(new AppError(400, 'rule_invalid', `the body is not valid YAML: ${(error as Error).message}`), undefined);
    }
  });

  app.get(
    '/api/v1/rules',
    {
      schema: {
        tags,
        summary: 'Rules by id',
        querystring: RuleListQuery,
        response: { 200: RuleList, ...errorResponses },
      },
    },
    async (request) => {
      request.authorize(PERMISSIONS.rulesRead);
      const limit = request.query.limit ?? 50;
      const rows = await service.repository.list(request.query, limit);
      const last = rows.at(-1);
      return { items: rows.map((row) => present(row)), next_cursor: rows.length === limit && last ? last.id : null };
    },
  );

  app.post(
    '/api/v1/rules',
    {
      schema: {
        tags,
        summary: 'Create a rule (compiled, ReDoS-checked; every node runs it within a second)',
        body: RuleDocumentBody,
        response: { 201: RuleView, ...errorResponses },
      },
    },
    async (request, reply) => {
      request.authorize(PERMISSIONS.rulesWrite);
      const { row, warnings } = await service.create(request.body as RuleDocument, auditContextOf(request));
      return reply.code(201).send(present(row, warnings));
    },
  );

  app.get(
    '/api/v1/rules/:rule_id',
    {
      schema: {
        tags,
        summary: 'One rule',
        params: RuleIdParams,
        response: { 200: RuleView, ...errorResponses },
      },
    },
    async (request) => {
      request.authorize(PERMISSIONS.rulesRead);
      return present(await service.get(request.params.rule_id));
    },
  );

  app.put(
    '/api/v1/rules/:rule_id',
    {
      schema: {
        tags,
        summary: 'Replace a rule document (If-Match: version → 412 version_conflict when it moved)',
        params: RuleIdParams,
        headers: IfMatchHeaders,
        body: RuleDocumentBody,
        response: { 200: RuleView, ...errorResponses },
      },
    },
    async (request) => {
      request.authorize(PERMISSIONS.rulesWrite);
      const { row, warnings } = await service.update(
        request.params.rule_id,
        request.body as RuleDocument,
        expectedVersion(request.headers['if-match']),
        auditContextOf(request),
      );
      return present(row, warnings);
    },
  );

  app.delete(
    '/api/v1/rules/:rule_id',
    {
      schema: { tags, summary: 'Delete a rule (a built-in is disabled and hidden)', params: RuleIdParams },
    },
    async (request, reply) => {
      request.authorize(PERMISSIONS.rulesWrite);
      await service.remove(request.params.rule_id, auditContextOf(request));
      return reply.code(204).send();
    },
  );

  app.get(
    '/api/v1/rules/:rule_id/status',
    {
      schema: {
        tags,
        summary: 'Enabled flag, triggers and this node’s counters',
        params: RuleIdParams,
        response: { 200: RuleStatsView, ...errorResponses },
      },
    },
    async (request) => {
      request.authorize(PERMISSIONS.rulesRead);
      return present(await service.get(request.params.rule_id)).stats;
    },
  );

  app.post(
    '/api/v1/rules/:rule_id/status',
    {
      schema: {
        tags,
        summary: 'Enable or disable a rule',
        params: RuleIdParams,
        body: RuleStatusChange,
        response: { 200: RuleView, ...errorResponses },
      },
    },
    async (request) => {
      request.authorize(PERMISSIONS.rulesWrite);
      return present(await service.setEnabled(request.params.rule_id, request.body.enabled, auditContextOf(request)));
    },
  );

  app.get(
    '/api/v1/rules/:rule_id/versions',
    {
      schema: {
        tags,
        summary: 'Every saved version, newest first',
        params: RuleIdParams,
        response: { 200: RuleVersionList, ...errorResponses },
      },
    },
    async (request) => {
      request.authorize(PERMISSIONS.rulesRead);
      await service.get(request.params.rule_id);
      return { items: (await service.repository.versions(request.params.rule_id)).map(presentRuleVersion) };
    },
  );

  app.post(
    '/api/v1/rules/:rule_id/rollback',
    {
      schema: {
        tags,
        summary: 'Save the document of an earlier version as the next version',
        params: RuleIdParams,
        body: RuleRollback,
        response: { 200: RuleView, ...errorResponses },
      },
    },
    async (request) => {
      request.authorize(PERMISSIONS.rulesWrite);
      return present(await service.rollback(request.params.rule_id, request.body.version, auditContextOf(request)));
    },
  );

  app.post(
    '/api/v1/rules/test',
    {
      schema: {
        tags,
        summary: 'Test bench: parse, classify and match pasted lines and simulate findings (nothing stored)',
        body: TestbenchRequest,
        response: { 200: TestbenchResult, ...errorResponses },
      },
    },
    async (request) => {
      request.authorize(PERMISSIONS.rulesTest);
      const { rule, rule_ids: ruleIds } = request.body;
      let rules = rule ? [await compileCandidate(rule)] : await service.activeRules();
      if (!rule && ruleIds) rules = rules.filter((candidate) => ruleIds.includes(candidate.id));
      return runTestbench(request.body, rules);
    },
  );
};
