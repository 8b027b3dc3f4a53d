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
  it('does not count invisible characters as new sources', () => {
    const t = tallyClaim([
      { stance: 'supports', source: 'field team 3' },
      { stance: 'supports', source: 'field team 3\u200B' },
      { stance: 'supports', source: 'field\u00ADteam 3' },
      { stance: 'supports', source: '\uFEFFField\u200D Team\u00A03\u200C' },
      { stance: 'supports', source: 'ｆｉｅｌｄ team ３' },
      { stance: 'supports', source: 'field team 3\u2060\u061C\u200E' },
    ]);
    assert.equal(t.status, 'single-source');
    assert.equal(t.supportingSources, 1);
    assert.equal(sourceKey('\u200B\u00AD '), 'unknown', 'only invisible characters: unknown');
    assert.equal(sourceKey('STRASSE'), sourceKey('straße'));
    assert.notEqual(sourceKey('field team 3'), sourceKey('field team 8'));
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
    assert.equal(sourceKey(' Ｆield\tTeam 3 '), sourceKey('field team 3'));
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
