// Evaluates parsed templates with Go text/template semantics (https://pkg.go.dev/text/template):
// dot and `$`, variable scopes per control structure, short-circuit and/or, Helm's `include`,
// and Helm's rendering of missing values as empty text.

import { formatValue, functions, isMap, isTruthy } from './template-functions.ts';
import { TemplateError } from './template-lexer.ts';
import {
  type Command,
  type ControlNode,
  type Operand,
  type Pipeline,
  parseTemplate,
  type TemplateNode,
} from './template-parser.ts';

interface Variable {
  name: string;
  value: unknown;
}

/** A set of templates sharing their `define`d partials, as Helm loads every file of a chart together. */
export class TemplateSet {
  private readonly files = new Map<string, TemplateNode[]>();
  private readonly defines = new Map<string, TemplateNode[]>();

  add(name: string, source: string): void {
    const parsed = parseTemplate(name, source);
    this.files.set(name, parsed.nodes);
    for (const [defineName, nodes] of parsed.defines) this.defines.set(defineName, nodes);
  }

  render(name: string, data: unknown): string {
    const nodes = this.files.get(name);
    if (!nodes) throw new Error(`no template named ${name}`);
    return new Execution(this.defines, name).run(nodes, data);
  }
}

class Execution {
  private readonly defines: Map<string, TemplateNode[]>;
  private readonly name: string;
  private line = 0;
  private includeDepth = 0;

  constructor(defines: Map<string, TemplateNode[]>, name: string) {
    this.defines = defines;
    this.name = name;
  }

  run(nodes: TemplateNode[], data: unknown): string {
    const output: string[] = [];
    this.walk(nodes, data, [{ name: '$', value: data }], output);
    return output.join('');
  }

  private fail(message: string): never {
    throw new TemplateError(this.name, this.line, message);
  }

  private walk(nodes: TemplateNode[], dot: unknown, vars: Variable[], output: string[]): void {
    const scope = vars.length;
    for (const node of nodes) {
      if (node.kind === 'text') {
        output.push(node.value);
        continue;
      }
      this.line = node.pipeline.line;
      if (node.kind === 'action') {
        const value = this.pipeline(node.pipeline, dot, vars);
        // An action that declares a variable prints nothing; Helm renders missing values as "".
        if (node.pipeline.variables.length === 0)
          output.push(value === undefined || value === null ? '' : formatValue(value));
      } else if (node.kind === 'if' || node.kind === 'with') {
        const inner = vars.length;
        const value = this.pipeline(node.pipeline, dot, vars);
        if (isTruthy(value)) this.walk(node.body, node.kind === 'with' ? value : dot, vars, output);
        else this.walk(node.otherwise, dot, vars, output);
        vars.length = inner;
      } else {
        this.range(node, dot, vars, output);
      }
    }
    vars.length = scope;
  }

  private range(node: ControlNode, dot: unknown, vars: Variable[], output: string[]): void {
    const { variables } = node.pipeline;
    const collection = this.pipeline({ ...node.pipeline, variables: [] }, dot, vars);
    let entries: [unknown, unknown][];
    if (collection === undefined || collection === null) entries = [];
    else if (Array.isArray(collection)) entries = collection.map((value, index) => [index, value]);
    else if (isMap(collection))
      entries = Object.keys(collection)
        .sort()
        .map((key) => [key, collection[key]]);
    else this.fail(`range can't iterate over ${formatValue(collection)}`);
    if (entries.length === 0) {
      this.walk(node.otherwise, dot, vars, output);
      return;
    }
    for (const [key, value] of entries) {
      const scope = vars.length;
      // `range $v := x` binds the element; `range $k, $v := x` binds key (or index) and element.
      if (variables.length === 1) vars.push({ name: variables[0], value });
      if (variables.length === 2) vars.push({ name: variables[0], value: key }, { name: variables[1], value });
      this.walk(node.body, value, vars, output);
      vars.length = scope;
    }
  }

  private pipeline(pipeline: Pipeline, dot: unknown, vars: Variable[]): unknown {
    let value: unknown;
    let piped = false;
    for (const command of pipeline.commands) {
      value = this.command(command, dot, vars, piped ? [value] : []);
      piped = true;
    }
    if (pipeline.variables.length > 1) this.fail('two variables are only allowed in range');
    if (pipeline.variables.length === 1) {
      const name = pipeline.variables[0];
      if (pipeline.assign) {
        const existing = vars.findLast((v) => v.name === name);
        if (!existing) this.fail(`undefined variable: ${name}`);
        existing.value = value;
      } else {
        vars.push({ name, value });
      }
    }
    return value;
  }

  private command(command: Command, dot: unknown, vars: Variable[], piped: unknown[]): unknown {
    const [first, ...rest] = command.operands;
    if (first.kind !== 'function') {
      if (rest.length || piped.length) this.fail(`can't give argument to non-function ${describe(first)}`);
      return this.operand(first, dot, vars);
    }
    const args = () => [...rest.map((operand) => this.operand(operand, dot, vars)), ...piped];
    switch (first.name) {
      case 'and':
      case 'or': {
        const operands = [
          ...rest.map((operand) => () => this.operand(operand, dot, vars)),
          ...piped.map((v) => () => v),
        ];
        if (operands.length === 0) this.fail(`wrong number of args for ${first.name}: want at least 1 got 0`);
        // Go evaluates lazily and returns the deciding operand, not a boolean.
        let result: unknown;
        for (const evaluate of operands) {
          result = evaluate();
          if (isTruthy(result) === (first.name === 'or')) return result;
        }
        return result;
      }
      case 'include':
        return this.include(args());
    }
    const entry = functions[first.name];
    if (!entry) this.fail(`function "${first.name}" not defined`);
    const [fn, min, max] = entry;
    const values = args();
    if (values.length < min || values.length > max) {
      this.fail(
        `wrong number of args for ${first.name}: want ${min === max ? min : `${min}..${max}`} got ${values.length}`,
      );
    }
    try {
      return fn(...values);
    } catch (error) {
      this.fail(`error calling ${first.name}: ${(error as Error).message}`);
    }
  }

  private include(args: unknown[]): string {
    if (args.length !== 2) this.fail(`wrong number of args for include: want 2 got ${args.length}`);
    const [name, data] = args;
    const nodes = typeof name === 'string' ? this.defines.get(name) : undefined;
    if (!nodes) this.fail(`error calling include: template: no template ${JSON.stringify(name)} associated`);
    if (++this.includeDepth > 100) this.fail('include nesting too deep');
    const line = this.line;
    const output: string[] = [];
    this.walk(nodes, data, [{ name: '$', value: data }], output);
    this.includeDepth--;
    this.line = line;
    return output.join('');
  }

  private operand(operand: Operand, dot: unknown, vars: Variable[]): unknown {
    switch (operand.kind) {
      case 'literal':
        return operand.value;
      case 'function':
        return this.command({ operands: [operand] }, dot, vars, []);
      case 'dot':
        return this.fields(dot, operand.fields, '.');
      case 'variable': {
        const variable = vars.findLast((v) => v.name === operand.name);
        if (!variable) this.fail(`undefined variable "${operand.name}"`);
        return this.fields(variable.value, operand.fields, operand.name);
      }
      case 'pipeline':
        return this.fields(this.pipeline(operand.pipeline, dot, vars), operand.fields, '(pipeline)');
    }
  }

  /** Walks `.a.b.c`; like Helm, a missing key yields nothing but stepping into nothing is an error. */
  private fields(start: unknown, fields: string[], origin: string): unknown {
    let value = start;
    let path = origin;
    for (const field of fields) {
      if (value === undefined || value === null) this.fail(`nil pointer evaluating interface {}.${field} (at ${path})`);
      if (!isMap(value)) this.fail(`can't evaluate field ${field} in ${formatValue(value)} (at ${path})`);
      value = value[field];
      path = path === '.' ? `.${field}` : `${path}.${field}`;
    }
    return value;
  }
}

function describe(operand: Operand): string {
  if (operand.kind === 'literal') return formatValue(operand.value);
  if (operand.kind === 'variable') return operand.name;
  if (operand.kind === 'dot') return `.${operand.fields.join('.')}`;
  return 'pipeline';
}
