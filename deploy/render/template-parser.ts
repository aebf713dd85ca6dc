// Parser for the Go text/template subset: actions, pipelines, if / else if / else, with, range and define
// (https://pkg.go.dev/text/template#hdr-Actions, #hdr-Pipelines, #hdr-Variables, #hdr-Nested_template_definitions).
import { type Item, lex, TemplateError, type Token } from './template-lexer.ts';

export type Operand =
  | { kind: 'dot'; fields: string[] }
  | { kind: 'variable'; name: string; fields: string[] }
  | { kind: 'function'; name: string }
  | { kind: 'literal'; value: string | number | boolean | null }
  | { kind: 'pipeline'; pipeline: Pipeline; fields: string[] };

export interface Command {
  operands: Operand[];
}

export interface Pipeline {
  /** Variables declared (`:=`) or assigned (`=`) by this pipeline. */
  variables: string[];
  assign: boolean;
  commands: Command[];
  line: number;
}

export interface ControlNode {
  kind: 'if' | 'with' | 'range';
  pipeline: Pipeline;
  body: TemplateNode[];
  otherwise: TemplateNode[];
}

export type TemplateNode = { kind: 'text'; value: string } | { kind: 'action'; pipeline: Pipeline } | ControlNode;

export interface ParsedTemplate {
  name: string;
  nodes: TemplateNode[];
  defines: Map<string, TemplateNode[]>;
}

type Terminator = { keyword: 'end' } | { keyword: 'else'; tokens: Token[]; line: number } | { keyword: 'eof' };

export function parseTemplate(name: string, source: string): ParsedTemplate {
  const parser = new Parser(name, lex(name, source));
  const defines = new Map<string, TemplateNode[]>();
  const { nodes, terminator } = parser.parseList(defines);
  if (terminator.keyword !== 'eof') throw new TemplateError(name, parser.line, `unexpected {{${terminator.keyword}}}`);
  return { name, nodes, defines };
}

class Parser {
  private index = 0;
  line = 1;
  private readonly name: string;
  private readonly items: Item[];

  constructor(name: string, items: Item[]) {
    this.name = name;
    this.items = items;
  }

  private fail(message: string): never {
    throw new TemplateError(this.name, this.line, message);
  }

  parseList(defines: Map<string, TemplateNode[]>): { nodes: TemplateNode[]; terminator: Terminator } {
    const nodes: TemplateNode[] = [];
    while (this.index < this.items.length) {
      const item = this.items[this.index++];
      this.line = item.line;
      if (item.kind === 'text') {
        nodes.push({ kind: 'text', value: item.value });
        continue;
      }
      const [first, ...rest] = item.tokens;
      if (!first) this.fail('missing value for command');
      const keyword = first.kind === 'identifier' ? first.value : '';
      if (keyword === 'end') {
        if (rest.length) this.fail('unexpected tokens after end');
        return { nodes, terminator: { keyword: 'end' } };
      }
      if (keyword === 'else') return { nodes, terminator: { keyword: 'else', tokens: rest, line: item.line } };
      if (keyword === 'if' || keyword === 'with' || keyword === 'range') {
        nodes.push(this.parseControl(keyword, rest, defines));
      } else if (keyword === 'define') {
        this.parseDefine(rest, defines);
      } else if (keyword === 'template' || keyword === 'block' || keyword === 'break' || keyword === 'continue') {
        this.fail(`{{${keyword}}} is outside the supported subset (use include)`);
      } else {
        nodes.push({ kind: 'action', pipeline: this.parsePipeline(item.tokens) });
      }
    }
    return { nodes, terminator: { keyword: 'eof' } };
  }

  private parseControl(
    keyword: 'if' | 'with' | 'range',
    tokens: Token[],
    defines: Map<string, TemplateNode[]>,
  ): TemplateNode {
    const pipeline = this.parsePipeline(tokens);
    const { nodes: body, terminator } = this.parseList(defines);
    if (terminator.keyword === 'eof') this.fail(`unexpected EOF: {{${keyword}}} without {{end}}`);
    if (terminator.keyword === 'end') return { kind: keyword, pipeline, body, otherwise: [] };
    const elseTokens = terminator.tokens;
    // `{{else if x}}` is shorthand for `{{else}}{{if x}}...{{end}}` sharing the outer {{end}}.
    if (elseTokens.length) {
      const [nested, ...condition] = elseTokens;
      if (keyword !== 'if' || nested.kind !== 'identifier' || nested.value !== 'if') {
        this.fail(`unsupported {{else ${nested.value}}} in {{${keyword}}}`);
      }
      return { kind: 'if', pipeline, body, otherwise: [this.parseControl('if', condition, defines)] };
    }
    const { nodes: otherwise, terminator: end } = this.parseList(defines);
    if (end.keyword !== 'end') this.fail(`expected {{end}} after {{else}} in {{${keyword}}}`);
    return { kind: keyword, pipeline, body, otherwise };
  }

  private parseDefine(tokens: Token[], defines: Map<string, TemplateNode[]>): void {
    const [nameToken, ...rest] = tokens;
    if (nameToken?.kind !== 'string' || rest.length) this.fail('define expects one quoted template name');
    const { nodes, terminator } = this.parseList(defines);
    if (terminator.keyword !== 'end') this.fail(`{{define ${JSON.stringify(nameToken.value)}}} without {{end}}`);
    defines.set(nameToken.value, nodes);
  }

  parsePipeline(tokens: Token[]): Pipeline {
    let position = 0;
    const variables: string[] = [];
    let assign = false;
    const declaration = tokens.findIndex((t) => t.kind === 'declare' || t.kind === 'assign');
    if (declaration !== -1 && tokens[0].kind === 'variable') {
      for (; position < declaration; position++) {
        const token = tokens[position];
        if (token.kind === 'variable') variables.push(token.value);
        else if (token.kind !== 'comma') this.fail(`unexpected ${token.value} in variable declaration`);
      }
      if (variables.length > 2) this.fail('too many declarations in pipeline');
      assign = tokens[declaration].kind === 'assign';
      position = declaration + 1;
    }
    const { commands, end } = this.parseCommands(tokens, position, false);
    if (end !== tokens.length) this.fail(`unexpected ${tokens[end].value} in pipeline`);
    if (commands.length === 0) this.fail('missing value for command');
    return { variables, assign, commands, line: this.line };
  }

  private parseCommands(tokens: Token[], start: number, nested: boolean): { commands: Command[]; end: number } {
    const commands: Command[] = [];
    let operands: Operand[] = [];
    let position = start;
    while (position < tokens.length) {
      const token = tokens[position];
      if (token.kind === 'rparen') {
        if (!nested) this.fail('unexpected right paren');
        break;
      }
      if (token.kind === 'pipe') {
        if (operands.length === 0) this.fail('missing command before |');
        commands.push({ operands });
        operands = [];
        position++;
        continue;
      }
      const operand = this.parseOperand(tokens, position);
      operands.push(operand.operand);
      position = operand.end;
    }
    if (operands.length) commands.push({ operands });
    else if (commands.length) this.fail('missing command after |');
    return { commands, end: position };
  }

  private parseOperand(tokens: Token[], position: number): { operand: Operand; end: number } {
    const token = tokens[position];
    let end = position + 1;
    // Field chains only continue on tokens written without a space in between (`$x.a.b`, `(pipe).a`).
    const fieldChain = (): string[] => {
      const fields: string[] = [];
      for (let next = tokens[end]; next?.kind === 'field' && !next.spaced; next = tokens[++end])
        fields.push(next.value);
      return fields;
    };
    switch (token.kind) {
      case 'dot':
        return { operand: { kind: 'dot', fields: fieldChain() }, end };
      case 'field':
        return { operand: { kind: 'dot', fields: [token.value, ...fieldChain()] }, end };
      case 'variable':
        return { operand: { kind: 'variable', name: token.value, fields: fieldChain() }, end };
      case 'string':
      case 'number':
        return { operand: { kind: 'literal', value: token.value }, end };
      case 'identifier': {
        const constants: Record<string, boolean | null> = { true: true, false: false, nil: null };
        if (token.value in constants) return { operand: { kind: 'literal', value: constants[token.value] }, end };
        return { operand: { kind: 'function', name: token.value }, end };
      }
      case 'lparen': {
        const inner = this.parseCommands(tokens, position + 1, true);
        if (tokens[inner.end]?.kind !== 'rparen') this.fail('unclosed left paren');
        if (inner.commands.length === 0) this.fail('missing value in parentheses');
        end = inner.end + 1;
        const pipeline: Pipeline = { variables: [], assign: false, commands: inner.commands, line: this.line };
        return { operand: { kind: 'pipeline', pipeline, fields: fieldChain() }, end };
      }
      default:
        this.fail(`unexpected ${JSON.stringify(token.value)} in operand`);
    }
  }
}
