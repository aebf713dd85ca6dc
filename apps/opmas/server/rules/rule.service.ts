import type { AuditContext } from '@platform/kernel/audit/audit.service.ts';
import type { Executor, Orm } from '@platform/kernel/db/database.ts';
import { AppError, conflict, notFound } from '@platform/kernel/http/errors.ts';
import type { Kernel } from '@platform/kernel/kernel.ts';
import { loadDefaultPack } from './default-pack.ts';
import { checkRuleRegexes, type RegexWarning } from './redos-check.ts';
import { RuleRepository } from './rule.repository.ts';
import type { RuleRow } from './rule.tables.ts';
import { type CompiledRule, compileRule } from './rule-compiler.ts';
import { type RuleDocument, RuleError } from './rule-document.ts';

/** Outbox subject every node listens on to swap its compiled rules (spec "Rule documents": hot reload within 1 s). */
export const RULES_CHANGED_SUBJECT = 'opmas.config.changed.rules';

/** A saved rule and the warnings its regex check produced. */
export interface SavedRule {
  row: RuleRow;
  warnings: RegexWarning[];
}

const ruleNotFound = () => notFound('rule');

/** A rule document error as the API answers it: 400 with the rule's code (spec "Bad input"). */
function asHttpError(error: unknown): unknown {
  return error instanceof RuleError ? new AppError(400, error.code, error.message, error.details) : error;
}

/** Compiles a stored document; a row that no longer compiles (hand-edited database) is skipped, not fatal. */
export function compileStored(row: RuleRow): CompiledRule | undefined {
  try {
    return compileRule({ ...row.doc, enabled: row.enabled });
  } catch {
    return undefined;
  }
}

/**
 * Rule CRUD (spec 02-opmas "Rule documents"): a save compiles every regex, requires the named groups, runs the ReDoS
 * check, then commits the rule, a version row and the change event in one transaction; audited.
 */
export class RuleService {
  readonly #kernel: Kernel;
  readonly repository: RuleRepository;

  constructor(kernel: Kernel) {
    this.#kernel = kernel;
    this.repository = new RuleRepository(kernel.db.orm);
  }

  /** Inserts the shipped pack's rules that are not stored yet (first start, or rules added by a newer pack). */
  async seedBuiltins(): Promise<void> {
    const { pack } = loadDefaultPack();
    for (const doc of pack.rules) {
      await this.repository.insert('builtin', { doc, enabled: doc.enabled !== false, by: null }, pack.pack_version);
    }
  }

  /** The compiled live rule set the agents run. */
  async activeRules(): Promise<CompiledRule[]> {
    return (await this.repository.live()).flatMap((row) => compileStored(row) ?? []);
  }

  /** A live rule; only call it outside a transaction (PGlite serialises, a second connection would wait forever). */
  async get(id: string): Promise<RuleRow> {
    const row = await this.repository.find(id);
    if (!row || row.deleted) throw ruleNotFound();
    return row;
  }

  async create(doc: RuleDocument, context: AuditContext): Promise<SavedRule> {
    const warnings = await this.#validate(doc);
    return this.#commit(context, 'opmas.rule.create', async (orm) => {
      const repository = new RuleRepository(orm);
      const existing = await repository.find(doc.id);
      if (existing && !existing.deleted) throw conflict(`rule ${doc.id} exists`, 'rule_exists');
      const write = { doc, enabled: doc.enabled !== false, by: context.principal?.userId ?? null };
      // A deleted built-in is revived through an update so its version history continues.
      const row = existing
        ? await repository.update(doc.id, existing.version, write)
        : await repository.insert('user', write);
      if (!row) throw conflict(`rule ${doc.id} exists`, 'rule_exists');
      return { row, warnings };
    });
  }

  /** Replaces the document; `ifMatch` (the `If-Match` version) guards against lost updates (412). */
  async update(id: string, doc: RuleDocument, ifMatch: number | undefined, context: AuditContext): Promise<SavedRule> {
    if (doc.id !== undefined && doc.id !== id) {
      throw new AppError(400, 'rule_invalid', `the document id ${doc.id} differs from the path id ${id}`);
    }
    const full = { ...doc, id };
    const warnings = await this.#validate(full);
    return this.#commit(context, 'opmas.rule.update', async (orm) => {
      const row = await this.#write(new RuleRepository(orm), id, ifMatch, full, full.enabled !== false, context);
      return { row, warnings };
    });
  }

  /** Enables or disables a rule without touching its document (a new version all the same). */
  async setEnabled(id: string, enabled: boolean, context: AuditContext): Promise<RuleRow> {
    const current = await this.get(id);
    const { row } = await this.#commit(context, 'opmas.rule.status', async (orm) => {
      const doc = { ...current.doc, enabled };
      return { row: await this.#write(new RuleRepository(orm), id, current.version, doc, enabled, context) };
    });
    return row;
  }

  /** Writes a new version whose document is the one of `version`. */
  async rollback(id: string, version: number, context: AuditContext): Promise<RuleRow> {
    const target = await this.repository.version(id, version);
    if (!target) throw notFound('rule version');
    const { row } = await this.#commit(context, 'opmas.rule.rollback', async (orm) => ({
      row: await this.#write(new RuleRepository(orm), id, undefined, target.doc, target.enabled, context),
    }));
    return row;
  }

  async remove(id: string, context: AuditContext): Promise<void> {
    const row = await this.get(id);
    await this.#commit(context, 'opmas.rule.delete', async (orm) => {
      await new RuleRepository(orm).remove(row, context.principal?.userId ?? null);
      return { row };
    });
  }

  async #write(
    repository: RuleRepository,
    id: string,
    ifMatch: number | undefined,
    doc: RuleDocument,
    enabled: boolean,
    context: AuditContext,
  ): Promise<RuleRow> {
    const current = await repository.find(id);
    if (!current || current.deleted) throw ruleNotFound();
    if (ifMatch !== undefined && ifMatch !== current.version) {
      throw new AppError(412, 'version_conflict', `rule ${id} is at version ${current.version}, not ${ifMatch}`);
    }
    const row = await repository.update(id, current.version, { doc, enabled, by: context.principal?.userId ?? null });
    if (!row) throw new AppError(412, 'version_conflict', `rule ${id} changed meanwhile`);
    return row;
  }

  async #validate(doc: RuleDocument): Promise<RegexWarning[]> {
    try {
      compileRule(doc);
      return await checkRuleRegexes(doc);
    } catch (error) {
      throw asHttpError(error);
    }
  }

  /** One transaction: the change, its audit entry and the change event for every node. */
  async #commit<T extends { row: RuleRow }>(
    context: AuditContext,
    action: string,
    work: (orm: Orm) => Promise<T>,
  ): Promise<T> {
    return this.#kernel.db.transaction(async (tx: Executor) => {
      const result = await work(tx);
      const { row } = result;
      await this.#kernel.audit.record(
        context,
        { action, targetType: 'opmas.rule', targetId: row.id, after: { version: row.version, enabled: row.enabled } },
        tx,
      );
      await this.#kernel.outbox.write(tx, RULES_CHANGED_SUBJECT, { rule_id: row.id, version: row.version });
      return result;
    });
  }
}
