// biome-ignore-all lint/suspicious/noTemplateCurlyInString: compose `${VAR}` syntax is what is under test
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { interpolate, loadCompose, referencedVariables } from './compose-interpolation.ts';

test('substitutes defaults, required values and $$ like docker compose', () => {
  assert.equal(interpolate('${A:-x} ${A-y} $${A}', {}), 'x y ${A}');
  assert.equal(interpolate('${A:-x} ${A-y}', { A: '' }), 'x ');
  assert.equal(interpolate('${A:?needed} ${B}', { A: 'a' }), 'a ');
  assert.throws(() => interpolate('${A:?A is needed}', { A: '' }), /A is needed/);
  assert.deepEqual(referencedVariables('${B} ${A:-x} $${C} ${A}'), ['A', 'B']);
});

test('interpolates after parsing, so substituted values stay strings and merge keys apply', () => {
  const text =
    'x-base: &base\n  environment:\n    FLAG: ${FLAG:-0}\nservices:\n  app:\n    <<: *base\n    image: img\n';
  const compose = loadCompose(text, {});
  assert.deepEqual(compose.services.app, { environment: { FLAG: '0' }, image: 'img' });
  assert.equal(loadCompose(text, { FLAG: 'a: b' }).services.app.environment?.FLAG, 'a: b');
});
