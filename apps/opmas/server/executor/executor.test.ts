import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BUILTIN_TEMPLATES } from './builtin-templates.ts';
import { CommandAllowlist } from './command-template.ts';
import { DryRunExecutor } from './executor.ts';

test('the dry-run executor records the rendered command without credentials and runs nothing', async () => {
  const executor = new DryRunExecutor();
  const command = new CommandAllowlist(BUILTIN_TEMPLATES).render('block_ip4', { ip: '203.0.113.9', ttl_s: 14_400 });
  const target = { host: '192.0.2.1', port: 22, username: 'root', privateKey: 'secret', hostKeySha256: 'SHA256:x' };
  const result = await executor.run({ target, command });
  assert.equal(result.outcome, 'dry_run');
  assert.equal(result.exitCode, null);
  assert.deepEqual(executor.recorded, [
    {
      host: '192.0.2.1',
      port: 22,
      username: 'root',
      templateId: 'block_ip4',
      command: "nft add element inet fw4 opmas_block4 '{ 203.0.113.9 timeout 14400s }'",
    },
  ]);
  assert.doesNotMatch(JSON.stringify(executor.recorded), /secret/);
  await assert.rejects(executor.run({ target, command, signal: AbortSignal.abort() }), { code: 'aborted' });
  assert.equal(executor.recorded.length, 1);
});
