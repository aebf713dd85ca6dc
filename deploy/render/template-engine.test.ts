import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TemplateSet } from './template-engine.ts';

function render(source: string, data: unknown = {}, partials = ''): string {
  const set = new TemplateSet();
  if (partials) set.add('_helpers.tpl', partials);
  set.add('t', source);
  return set.render('t', data);
}

test('prints fields, literals and missing values as empty text', () => {
  const data = { Values: { a: { b: 'x', n: 3, t: true } } };
  assert.equal(
    render('{{ .Values.a.b }}-{{ .Values.a.n }}-{{ .Values.a.t }}-{{ .Values.a.missing }}.', data),
    'x-3-true-.',
  );
  assert.equal(render('{{ "s" }} {{ `r\\n` }} {{ 42 }} {{ nil }}', data), 's r\\n 42 ');
  assert.equal(render('{{ .Values.list }}', { Values: { list: ['a', 1] } }), '[a 1]');
});

test('trims whitespace on the marked side only', () => {
  assert.equal(render('a  \n  {{- "b" }}  \n c'), 'ab  \n c');
  assert.equal(render('a  {{ "b" -}}  \n  c'), 'a  bc');
  assert.equal(render('x\n{{- /* comment */ -}}\ny'), 'xy');
  assert.equal(render('x {{/* kept */}} y'), 'x  y');
});

test('stepping into a missing map is an error, like Helm', () => {
  assert.throws(() => render('{{ .Values.a.b }}', { Values: {} }), /t:1: nil pointer evaluating interface \{\}\.b/);
  assert.throws(() => render('{{ .Values.a.b }}', { Values: { a: 'text' } }), /can't evaluate field b/);
});

test('if / else if / else with and, or, not, eq, ne', () => {
  const source =
    '{{ if eq .v "a" }}A{{ else if and .x (not .y) }}B{{ else if or .y (ne .v "z") }}C{{ else }}D{{ end }}';
  assert.equal(render(source, { v: 'a' }), 'A');
  assert.equal(render(source, { v: 'q', x: 1, y: 0 }), 'B');
  assert.equal(render(source, { v: 'q', x: 0, y: 0 }), 'C');
  assert.equal(render(source, { v: 'z', x: 0, y: '' }), 'D');
  assert.equal(render('{{ if eq .v "a" "b" "c" }}yes{{ end }}', { v: 'c' }), 'yes');
  // and/or return the deciding operand and do not evaluate the rest.
  assert.equal(render('{{ or .a .b "c" }}|{{ and 1 "x" }}|{{ and 0 .missing.deep }}', { a: '', b: 'B' }), 'B|x|0');
  assert.throws(() => render('{{ eq 1 "1" }}'), /incompatible types for comparison/);
});

test('empty lists, maps and strings are false', () => {
  const source = '{{ if .v }}T{{ else }}F{{ end }}';
  for (const falsy of [[], {}, '', 0, false, null]) assert.equal(render(source, { v: falsy }), 'F');
  for (const truthy of [[0], { a: 1 }, 'x', 1, true]) assert.equal(render(source, { v: truthy }), 'T');
});

test('with rebinds dot and falls back to else', () => {
  assert.equal(render('{{ with .a }}{{ .b }}{{ else }}none{{ end }}', { a: { b: 'B' } }), 'B');
  assert.equal(render('{{ with .a }}{{ .b }}{{ else }}none{{ end }}', { a: {} }), 'none');
  assert.equal(render('{{ with .a }}{{ $.root }}{{ end }}', { a: 1, root: 'R' }), 'R');
});

test('range over lists and maps (sorted keys) with variables and else', () => {
  assert.equal(render('{{ range .l }}[{{ . }}]{{ end }}', { l: ['a', 'b'] }), '[a][b]');
  assert.equal(render('{{ range $i, $v := .l }}{{ $i }}={{ $v }};{{ end }}', { l: ['a', 'b'] }), '0=a;1=b;');
  assert.equal(render('{{ range $k, $v := .m }}{{ $k }}={{ $v }};{{ end }}', { m: { z: 1, a: 2 } }), 'a=2;z=1;');
  assert.equal(render('{{ range .l }}x{{ else }}empty{{ end }}', { l: [] }), 'empty');
  assert.equal(render('{{ range .missing }}x{{ else }}empty{{ end }}', {}), 'empty');
  assert.throws(() => render('{{ range .n }}x{{ end }}', { n: 5 }), /range can't iterate over 5/);
  assert.throws(() => render('{{ range .l }}{{ end }}{{ $k }}', { l: [1] }), /undefined variable "\$k"/);
});

test('variables are declared, reassigned and scoped to their block', () => {
  assert.equal(render('{{ $x := "a" }}{{ if true }}{{ $x = "b" }}{{ $y := 1 }}{{ end }}{{ $x }}'), 'b');
  assert.throws(() => render('{{ if true }}{{ $y := 1 }}{{ end }}{{ $y }}'), /undefined variable "\$y"/);
});

test('include renders defines with the given dot, including dicts', () => {
  const partials =
    '{{- define "name" -}}{{ .Release.Name | trunc 5 | trimSuffix "-" }}{{- end -}}' +
    '{{- define "pair" -}}{{ .key }}={{ .ctx.Release.Name }}{{- end -}}';
  const data = { Release: { Name: 'abcd-efgh' } };
  assert.equal(render('{{ include "name" . }}', data, partials), 'abcd');
  assert.equal(render('{{ include "pair" (dict "key" "k" "ctx" $) }}', data, partials), 'k=abcd-efgh');
  assert.throws(() => render('{{ include "nope" . }}', data, partials), /no template "nope"/);
});

test('string functions follow Sprig', () => {
  assert.equal(render('{{ .v | quote }} {{ quote 1 }}', { v: 'a"b' }), '"a\\"b" "1"');
  assert.equal(render('{{ .v | default "d" }} {{ .w | default "d" }}', { v: '', w: 'w' }), 'd w');
  assert.equal(render('{{ join "," .l }}', { l: ['a', 'b', 3] }), 'a,b,3');
  assert.equal(render('{{ "abc" | b64enc }}'), 'YWJj');
  assert.equal(render('{{ printf "%s-%d:%v%%" "a" 7 true }}'), 'a-7:true%');
  assert.equal(render('{{ trunc -2 "abcd" }}{{ trunc 10 "ab" }}'), 'cdab');
  assert.equal(render('a:{{ "x\\ny" | indent 2 }}'), 'a:  x\n  y');
  assert.equal(render('a:{{ "x\\ny" | nindent 2 }}'), 'a:\n  x\n  y');
});

test('toYaml sorts keys and trims the final newline', () => {
  assert.equal(render('{{ toYaml .v }}', { v: { b: 1, a: [1, 'x'] } }), 'a:\n  - 1\n  - x\nb: 1');
  assert.equal(render('{{ toYaml .v }}', { v: {} }), '{}');
});

test('required fails with its message on nil or empty string', () => {
  assert.throws(() => render('{{ required "db url is required" .v }}', { v: '' }), /db url is required/);
  assert.equal(render('{{ required "m" .v }}', { v: 0 }), '0');
});

test('parse and call errors name the template and line', () => {
  assert.throws(() => render('\n{{ if .a }}x'), /t:2: unexpected EOF/);
  assert.throws(() => render('{{ end }}'), /unexpected \{\{end\}\}/);
  assert.throws(() => render('{{ upper "a" }}'), /function "upper" not defined/);
  assert.throws(() => render('{{ trunc 1 }}'), /wrong number of args for trunc: want 2 got 1/);
  assert.throws(() => render('{{ "a" "b" }}'), /can't give argument to non-function/);
  assert.throws(() => render('{{ template "x" . }}'), /outside the supported subset/);
  assert.throws(() => render('{{ .a'), /unclosed action/);
});
