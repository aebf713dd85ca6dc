import assert from 'node:assert/strict';
import { it } from 'node:test';
import { Fernet } from './fernet.ts';
import { deriveFernetKeyFromPassphrase } from './passphrase-key.ts';

it('derives the upstream CMBCluster file key from a passphrase (spec 05 vector)', async () => {
  const key = await deriveFernetKeyFromPassphrase('correct horse battery staple');
  assert.equal(key, 'ilcAG69QaqyLVPC3KqdJo5k9sRqpT_KVClgtLmJCI6E=');
  const fernet = new Fernet(key);
  assert.equal(fernet.decrypt(fernet.encrypt('usable')).toString(), 'usable');
});

it('derives different keys for different passphrases', async () => {
  assert.notEqual(
    await deriveFernetKeyFromPassphrase('correct horse battery staple'),
    await deriveFernetKeyFromPassphrase('correct horse battery stapler'),
  );
});
