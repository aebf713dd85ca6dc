import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { buildTestApp } from '@platform/testing';
import { createLogger, scrubSecrets } from './logger.ts';

const capture = () => {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  return { stream, text: () => lines.join('') };
};

test('structured secrets are redacted by field name at any depth', () => {
  const { stream, text } = capture();
  const logger = createLogger({ destination: stream as never });
  logger.info(
    { password: 'hunter2-pw', nested: { secretAccessKey: 'AKIASECRETVALUE', deep: { token: 'tok-value-1' } } },
    'hello',
  );
  assert.ok(!/hunter2-pw|AKIASECRETVALUE|tok-value-1/.test(text()), text());
  assert.match(text(), /\[redacted\]/);
});

test('secrets inside free text are scrubbed', () => {
  assert.ok(!scrubSecrets('Authorization: Bearer abc.def-ghi').includes('abc.def-ghi'));
  assert.equal(scrubSecrets('sent Bearer abc.def-ghi'), 'sent Bearer [redacted]');
  assert.ok(!scrubSecrets('token plt_AbCdEfGhIjKlMnOp used').includes('plt_AbCdEfGhIjKlMnOp'));
  assert.ok(!scrubSecrets('password=s3cr3t&user=x').includes('s3cr3t'));
  assert.ok(!scrubSecrets('{"client_secret":"cs-123"}').includes('cs-123'));
  assert.ok(!scrubSecrets('https://x/?X-Amz-Signature=deadbeef&a=1').includes('deadbeef'));
  assert.ok(!scrubSecrets('hf_abcdefghijklmnop').includes('hf_abcdefghijklmnop'));
});

test('request logs never contain a password, token, session or Authorization header', async () => {
  const { stream, text } = capture();
  const platform = await buildTestApp({ logStream: stream });
  try {
    await platform.kernel.identity.createUser({ username: 'logan', password: 'pa55word-logan', roles: ['user'] });
    const login = await platform.app.inject({
      method: 'POST',
      url: '/auth/login',
      payload: { username: 'logan', password: 'pa55word-logan' },
    });
    const cookie = String(login.headers['set-cookie']).split(';')[0]!;
    const session = cookie.split('=')[1]!;
    const created = await platform.app.inject({
      method: 'POST',
      url: '/auth/tokens',
      headers: { cookie },
      payload: { name: 'n', scopes: ['platform:jobs:read'] },
    });
    const token = created.json().token as string;
    await platform.app.inject({ url: '/platform/api/jobs', headers: { authorization: `Bearer ${token}` } });
    await platform.app.inject({
      url: '/platform/api/jobs?token=querysecret123',
      headers: { authorization: `Bearer ${token}` },
    });
    await platform.app.inject({ url: '/auth/me', headers: { authorization: 'Bearer plt_wrongwrongwrong' } });
    await platform.app.inject({
      method: 'POST',
      url: '/auth/login',
      payload: { username: 'logan', password: 'wrong-pass-xyz' },
    });
    const output = text();
    assert.ok(output.length > 0, 'requests were logged');
    for (const secret of [
      'pa55word-logan',
      'wrong-pass-xyz',
      session,
      token,
      'querysecret123',
      'plt_wrongwrongwrong',
    ]) {
      assert.ok(!output.includes(secret), `log contains a secret: ${secret.slice(0, 6)}…`);
    }
    assert.ok(!/"authorization":"Bearer/i.test(output));
  } finally {
    await platform.close();
  }
});
