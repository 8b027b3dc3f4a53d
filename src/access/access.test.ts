import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ANONYMOUS, accessFor, compartmentFilter } from './access.js';
import { csvCell } from './audit/service.js';
import { PERMISSIONS, ROLE_PERMISSIONS, ROLES } from './permissions.js';
import { lockSeconds, PAIR_RULE } from './sessions/throttle.js';
import { effectiveGrants } from './tokens/service.js';

const caller = { userId: 'u1', username: 'amal', via: 'session' as const, credentialId: 'h' };

describe('ROLE_PERMISSIONS', () => {
  it('names only known permissions, and admin sees no evidence by itself', () => {
    for (const role of ROLES)
      for (const p of ROLE_PERMISSIONS[role]) assert.ok(PERMISSIONS.includes(p), `${role}: ${p}`);
    assert.deepEqual([...ROLE_PERMISSIONS.admin].sort(), ['audit:read', 'users:admin']);
    assert.deepEqual([...ROLE_PERMISSIONS.monitor].sort(), ['observations:submit', 'ops:read']);
    assert.ok(!ROLE_PERMISSIONS.auditor.includes('items:content'), 'auditors read metadata, not bytes');
  });
});

describe('accessFor', () => {
  const access = accessFor(caller, [
    { role: 'investigator', compartment: 'general' },
    { role: 'legal', compartment: 'witness' },
    { role: 'auditor', compartment: '*' },
  ]);

  it('can() holds a permission in the granted compartment and in * grants only', () => {
    assert.equal(access.can('items:write', 'general'), true);
    assert.equal(access.can('items:write', 'witness'), false);
    assert.equal(access.can('items:content', 'witness'), true);
    assert.equal(access.can('items:read', 'anything'), true, 'auditor@* reads metadata everywhere');
    assert.equal(access.can('users:admin', 'general'), false);
  });

  it('compartmentsFor() lists the compartments, or all', () => {
    assert.deepEqual(access.compartmentsFor('items:write'), ['general']);
    assert.deepEqual(access.compartmentsFor('items:content'), ['general', 'witness']);
    assert.equal(access.compartmentsFor('items:read'), 'all');
    assert.deepEqual(access.compartmentsFor('ops:write'), []);
    assert.equal(compartmentFilter(access, 'items:read'), undefined);
    assert.deepEqual(compartmentFilter(access, 'ops:write'), []);
  });

  it('ANONYMOUS can do nothing anywhere', () => {
    for (const p of PERMISSIONS) {
      assert.equal(ANONYMOUS.canAnywhere(p), false);
      assert.deepEqual(ANONYMOUS.compartmentsFor(p), []);
    }
  });
});

describe('effectiveGrants', () => {
  it('gives a token only the part of its scope its user still holds', () => {
    const user = [
      { role: 'investigator' as const, compartment: 'general' },
      { role: 'legal' as const, compartment: '*' },
    ];
    assert.deepEqual(effectiveGrants(user, 'investigator', ['general', 'witness']), [
      { role: 'investigator', compartment: 'general' },
    ]);
    assert.deepEqual(effectiveGrants(user, 'investigator', ['*']), [
      { role: 'investigator', compartment: 'general' },
    ]);
    assert.deepEqual(effectiveGrants(user, 'legal', ['witness']), [
      { role: 'legal', compartment: 'witness' },
    ]);
    assert.deepEqual(effectiveGrants(user, 'admin', ['*']), []);
  });
});

describe('lockSeconds', () => {
  it('is free for 4 failures, then 30 s doubling to a 15-minute cap', () => {
    const schedule = Array.from({ length: 12 }, (_, i) => lockSeconds(PAIR_RULE, i + 1));
    assert.deepEqual(schedule, [0, 0, 0, 0, 30, 60, 120, 240, 480, 900, 900, 900]);
    assert.equal(lockSeconds(PAIR_RULE, 10_000), 900);
  });
});

describe('csvCell', () => {
  it('defuses spreadsheet formulas and quotes per RFC 4180', () => {
    assert.equal(csvCell('=HYPERLINK("http://x")'), `"'=HYPERLINK(""http://x"")"`);
    assert.equal(csvCell('+1'), `"'+1"`);
    assert.equal(csvCell('-2'), `"'-2"`);
    assert.equal(csvCell('@SUM(A1)'), `"'@SUM(A1)"`);
    assert.equal(csvCell('\tx'), `"'\tx"`);
    assert.equal(csvCell('a,b'), '"a,b"');
    assert.equal(csvCell('plain'), 'plain');
    assert.equal(csvCell(null), '');
    assert.equal(csvCell(401), '401');
  });
});
