/**
 * Allowlisted command templates (spec 02-opmas "Command templates"). A template is a list of simple commands, each a
 * list of shell words; words may hold `{{name}}` placeholders declared with a type from param-types.ts. Rendering
 * validates every value by its type and emits every word that holds a placeholder single-quoted, so a value is inert
 * twice over: its charset cannot express shell syntax, and the shell never interprets it anyway.
 */
import { type ParamSpec, parseParam, SAFE_VALUE } from './param-types.ts';

export type TemplateKind = 'diagnostic' | 'remediation';

export interface CommandTemplate {
  id: string;
  description: string;
  /** Diagnostics only read; remediations change the device and refuse protected addresses. */
  kind: TemplateKind;
  params: Readonly<Record<string, ParamSpec>>;
  /** Simple commands as shell words; one command, a pipeline or an and-list (see `join`). */
  commands: readonly (readonly string[])[];
  /** How several commands combine: `pipe` (`a | b`) or `and` (`a && b`, stop at the first failure). */
  join?: 'pipe' | 'and';
  timeoutS: number;
  /** Template that undoes this one (run when a decision expires or is revoked). */
  revertTemplateId?: string;
  enabled?: boolean;
}

export interface RenderedCommand {
  templateId: string;
  kind: TemplateKind;
  /** The POSIX shell command line sent to the device (and stored/audited as `rendered_command`). */
  command: string;
  /** Normalised parameter values, as substituted. */
  params: Record<string, string>;
  timeoutMs: number;
}

export type TemplateErrorCode =
  | 'command_not_allowed'
  | 'template_invalid'
  | 'template_placeholder_unknown'
  | 'param_invalid'
  | 'param_missing';

/** A refused template or parameter; `param`/`type` name the offending parameter (spec: 400 `param_invalid {param, type}`). */
export class TemplateError extends Error {
  readonly code: TemplateErrorCode;
  readonly param?: string;
  readonly type?: string;

  constructor(code: TemplateErrorCode, message: string, detail: { param?: string; type?: string } = {}) {
    super(message);
    this.name = 'TemplateError';
    this.code = code;
    this.param = detail.param;
    this.type = detail.type;
  }
}

const PLACEHOLDER = /\{\{([^{}]*)\}\}/g;
const PARAM_NAME = /^[a-z_][a-z0-9_]{0,63}$/;
const TEMPLATE_ID = /^[a-z][a-z0-9_]{0,63}$/;
/** Literal words made only of these characters need no quoting. */
const BARE_WORD = /^[A-Za-z0-9_.:/=@%+,-]+$/;

/** Checks a template definition: id, commands, declared and used placeholders, enum values, limits. */
export function defineTemplate(template: CommandTemplate): CommandTemplate {
  const invalid = (message: string) => new TemplateError('template_invalid', `template ${template.id}: ${message}`);
  if (!TEMPLATE_ID.test(template.id)) throw invalid('id must match [a-z][a-z0-9_]*');
  if (template.commands.length === 0 || template.commands.some((words) => words.length === 0))
    throw invalid('every command needs at least one word');
  if (!Number.isInteger(template.timeoutS) || template.timeoutS < 1)
    throw invalid('timeoutS must be a positive integer');
  const used = new Set(template.commands.flat().flatMap(placeholdersOf));
  for (const name of used) {
    if (!Object.hasOwn(template.params, name))
      throw new TemplateError('template_placeholder_unknown', `template ${template.id}: undeclared {{${name}}}`, {
        param: name,
      });
  }
  for (const [name, spec] of Object.entries(template.params)) {
    if (!PARAM_NAME.test(name)) throw invalid(`parameter name ${JSON.stringify(name)} is not allowed`);
    if (!used.has(name)) throw invalid(`parameter ${name} is declared but never used`);
    if (spec.type === 'enum' && (spec.values.length === 0 || !spec.values.every((value) => SAFE_VALUE.test(value))))
      throw invalid(`enum ${name} needs values made of [A-Za-z0-9_.:/-] not starting with -`);
  }
  // A command word is never a placeholder on its own: the program to run is always fixed by the template.
  if (template.commands.some((words) => placeholdersOf(words[0]).length > 0))
    throw invalid('the program name cannot be a parameter');
  return template;
}

function placeholdersOf(word: string): string[] {
  return [...word.matchAll(PLACEHOLDER)].map((match) => match[1]);
}

export interface RenderOptions {
  /** `OPMAS_PROTECTED_CIDRS`, refused in remediation templates on top of loopback/unspecified/multicast. */
  protectedCidrs?: readonly string[];
}

/** Validates `rawParams` against the template and renders the single shell command line to send. */
export function renderCommand(
  template: CommandTemplate,
  rawParams: Readonly<Record<string, unknown>>,
  options: RenderOptions = {},
): RenderedCommand {
  const context = { refuseProtected: template.kind === 'remediation', protectedCidrs: options.protectedCidrs };
  for (const name of Object.keys(rawParams)) {
    if (!Object.hasOwn(template.params, name))
      throw new TemplateError('param_invalid', `${template.id} has no parameter ${name}`, { param: name });
  }
  const params: Record<string, string> = {};
  for (const [name, spec] of Object.entries(template.params)) {
    const raw = rawParams[name];
    if (raw === undefined || raw === null || raw === '')
      throw new TemplateError('param_missing', `${template.id} needs ${name}`, { param: name, type: spec.type });
    const parsed = parseParam(spec, raw, context);
    if (!parsed.ok)
      throw new TemplateError('param_invalid', `${template.id}: ${name}: ${parsed.reason}`, {
        param: name,
        type: spec.type,
      });
    params[name] = parsed.value;
  }
  const lines = template.commands.map((words) => words.map((word) => renderWord(word, params)).join(' '));
  return {
    templateId: template.id,
    kind: template.kind,
    command: lines.join(template.join === 'pipe' ? ' | ' : ' && '),
    params,
    timeoutMs: template.timeoutS * 1000,
  };
}

function renderWord(word: string, params: Record<string, string>): string {
  const names = placeholdersOf(word);
  if (names.length === 0) return BARE_WORD.test(word) ? word : shellQuote(word);
  return shellQuote(word.replace(PLACEHOLDER, (_, name: string) => params[name]));
}

/** POSIX single quoting: nothing inside is special except `'`, written as `'\''`. */
export function shellQuote(word: string): string {
  return `'${word.replaceAll("'", `'\\''`)}'`;
}

/** The set of templates a deployment allows; anything else is `command_not_allowed`. */
export class CommandAllowlist {
  readonly #templates = new Map<string, CommandTemplate>();
  readonly #options: RenderOptions;

  constructor(templates: readonly CommandTemplate[], options: RenderOptions = {}) {
    for (const template of templates) {
      if (this.#templates.has(template.id)) throw new TemplateError('template_invalid', `duplicate ${template.id}`);
      this.#templates.set(template.id, defineTemplate(template));
    }
    this.#options = options;
  }

  /** The enabled template with this id, or undefined. */
  get(id: string): CommandTemplate | undefined {
    const template = this.#templates.get(id);
    return template && template.enabled !== false ? template : undefined;
  }

  /** Renders an allowlisted template; unknown or disabled ids throw `command_not_allowed`. */
  render(id: string, rawParams: Readonly<Record<string, unknown>>): RenderedCommand {
    const template = this.get(id);
    if (!template) throw new TemplateError('command_not_allowed', `command template ${id} is not allowlisted`);
    return renderCommand(template, rawParams, this.#options);
  }
}
