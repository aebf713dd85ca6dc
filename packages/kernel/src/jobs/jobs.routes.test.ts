import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { buildTestApp, type TestPlatform, type TestUser } from '@platform/testing';

let platform: TestPlatform;
let alice: TestUser;
let bob: TestUser;
let admin: TestUser;
before(async () => {
  platform = await buildTestApp();
  alice = await platform.createUser('alice-jobs');
  bob = await platform.createUser('bob-jobs');
  admin = await platform.createUser('admin-jobs', ['admin']);
});
after(() => platform.close());

test('a job shows its title as its name, or its queue when untitled', async () => {
  const titled = await platform.kernel.jobs.enqueue(
    'demo.upload',
    {},
    { ownerId: alice.id, title: 'Upload model.safetensors' },
  );
  const untitled = await platform.kernel.jobs.enqueue('demo.sweep', {}, { ownerId: alice.id });
  const one = await platform.app.inject({ url: `/platform/api/jobs/${titled.id}`, headers: alice.headers });
  assert.equal(one.json().name, 'Upload model.safetensors');
  const two = await platform.app.inject({ url: `/platform/api/jobs/${untitled.id}`, headers: alice.headers });
  assert.equal(two.json().name, 'demo.sweep');
});

test('users list only their own jobs; administrators see everyone’s', async () => {
  const bobs = await platform.kernel.jobs.enqueue('demo.upload', {}, { ownerId: bob.id, title: 'bob’s upload' });
  const aliceList = (await platform.app.inject({ url: '/platform/api/jobs', headers: alice.headers })).json();
  assert.ok(aliceList.items.length > 0);
  assert.ok(aliceList.items.every((job: { ownerId: string }) => job.ownerId === alice.id));
  assert.equal(
    (await platform.app.inject({ url: `/platform/api/jobs/${bobs.id}`, headers: alice.headers })).statusCode,
    404,
  );
  assert.equal(
    (await platform.app.inject({ method: 'POST', url: `/platform/api/jobs/${bobs.id}/cancel`, headers: alice.headers }))
      .statusCode,
    404,
  );
  const adminList = (await platform.app.inject({ url: '/platform/api/jobs', headers: admin.headers })).json();
  assert.ok(adminList.items.some((job: { id: string }) => job.id === bobs.id));
});
