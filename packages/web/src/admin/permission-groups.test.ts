import assert from 'node:assert/strict';
import { test } from 'node:test';
import { groupPermissionsByApp, setGroupSelection } from './permission-groups.ts';

const permissions = [
  { permission: 'vtoc:missions:write', app: 'vtoc', description: '' },
  { permission: 'platform:users:read', app: 'platform', description: '' },
  { permission: 'odh-tec:buckets:read', app: 'odh-tec', description: '' },
  { permission: 'vtoc:missions:read', app: 'vtoc', description: '' },
];

test('permissions are grouped by app, platform first, sorted inside each group', () => {
  const groups = groupPermissionsByApp(permissions);
  assert.deepEqual(
    groups.map((group) => [group.app, group.permissions.map((p) => p.permission)]),
    [
      ['platform', ['platform:users:read']],
      ['odh-tec', ['odh-tec:buckets:read']],
      ['vtoc', ['vtoc:missions:read', 'vtoc:missions:write']],
    ],
  );
});

test('a group can be selected and cleared at once without touching other apps', () => {
  const vtoc = groupPermissionsByApp(permissions).find((group) => group.app === 'vtoc')!;
  const all = setGroupSelection(['platform:users:read', 'vtoc:missions:read'], vtoc, true);
  assert.deepEqual(all.sort(), ['platform:users:read', 'vtoc:missions:read', 'vtoc:missions:write']);
  assert.deepEqual(setGroupSelection(all, vtoc, false), ['platform:users:read']);
});
