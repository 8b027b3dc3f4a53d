import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { incidentStatus, sourceKey, tallyClaim } from './corroboration.js';

describe('tallyClaim', () => {
  it('counts items from one source once', () => {
    const t = tallyClaim([
      { stance: 'supports', source: 'Field team 3' },
      { stance: 'supports', source: 'field  team 3' },
      { stance: 'supports', source: 'FIELD TEAM 3 ' },
    ]);
    assert.deepEqual(t, {
      status: 'single-source',
      supportingSources: 1,
      contradictingSources: 0,
      silentItems: 0,
    });
  });
  it('is corroborated by two independent sources', () => {
    assert.equal(
      tallyClaim([
        { stance: 'supports', source: 'field team 3' },
        { stance: 'supports', source: 'news wire' },
      ]).status,
      'corroborated',
    );
  });
  it('counts unknown sources together as one at most', () => {
    assert.equal(
      tallyClaim([
        { stance: 'supports', source: 'unknown' },
        { stance: 'supports', source: 'Unknown' },
      ]).status,
      'single-source',
    );
  });
  it('is contested when independent sources disagree, contradicted when none supports', () => {
    assert.equal(
      tallyClaim([
        { stance: 'supports', source: 'a' },
        { stance: 'contradicts', source: 'b' },
      ]).status,
      'contested',
    );
    assert.equal(tallyClaim([{ stance: 'contradicts', source: 'b' }]).status, 'contradicted');
    assert.deepEqual(tallyClaim([{ stance: 'silent', source: 'a' }]), {
      status: 'unverified',
      supportingSources: 0,
      contradictingSources: 0,
      silentItems: 1,
    });
    assert.equal(tallyClaim([]).status, 'unverified');
  });
  it('folds case, width and spacing of source names', () => {
    assert.equal(sourceKey(' Ｆield\tTeam 3 '), 'field team 3');
    assert.equal(sourceKey(''), 'unknown');
  });
});

describe('incidentStatus', () => {
  it('combines claims', () => {
    assert.equal(incidentStatus([]), 'unverified');
    assert.equal(incidentStatus(['corroborated', 'corroborated']), 'corroborated');
    assert.equal(incidentStatus(['corroborated', 'unverified']), 'partly-corroborated');
    assert.equal(incidentStatus(['single-source']), 'partly-corroborated');
    assert.equal(incidentStatus(['corroborated', 'contested']), 'contested');
    assert.equal(incidentStatus(['contradicted', 'contradicted']), 'contradicted');
    assert.equal(incidentStatus(['unverified', 'contradicted']), 'unverified');
  });
});
