/**
 * The map's labels and vehicle badges (issue 16.8): no label covers another label, a route point
 * or a badge, and no badge covers a point, on generated crowds of points (a fixed pseudo-random
 * sequence, so a failure reproduces).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type Anchor,
  overlaps,
  POINT_RADIUS,
  placeBadges,
  placeLabels,
  pointBox,
} from '../../web/src/map/label-layout.js';

const FRAME = { width: 640, height: 400 };

/** lcg is a small deterministic generator (Numerical Recipes constants). */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function crowd(n: number, seed: number, spread = 1) {
  const rnd = lcg(seed);
  return Array.from({ length: n }, (_, i) => ({
    id: `p${i}`,
    x: 40 + rnd() * (FRAME.width - 80) * spread,
    y: 40 + rnd() * (FRAME.height - 80) * spread,
    text: i % 3 === 0 ? `al-Rashideen ${i}` : i % 3 === 1 ? `الراموسة ${i}` : `Khan al-Asal`,
  }));
}

describe('placeBadges', () => {
  it('puts no badge over any point, nor over another badge, and keeps it in the frame', () => {
    for (let seed = 1; seed <= 50; seed++) {
      const points = crowd(12, seed, 0.4);
      const counts = new Map(points.map((p, i) => [p.id, i + 1] as const));
      const badges = placeBadges(points, counts, FRAME);
      for (const b of badges) {
        for (const p of points)
          assert.ok(!overlaps(b.box, pointBox(p.x, p.y)), `seed ${seed}: badge ${b.id} covers point ${p.id}`);
        for (const o of badges)
          if (o !== b) assert.ok(!overlaps(b.box, o.box), `seed ${seed}: badges ${b.id} and ${o.id} overlap`);
        assert.ok(b.box.x0 >= 0 && b.box.y0 >= 0 && b.box.x1 <= FRAME.width && b.box.y1 <= FRAME.height);
      }
    }
  });

  it('gives every point with vehicles a badge when there is room', () => {
    const points = [
      { id: 'a', x: 100, y: 100 },
      { id: 'b', x: 300, y: 200 },
    ];
    const badges = placeBadges(
      points,
      new Map([
        ['a', 3],
        ['b', 1],
      ]),
      FRAME,
    );
    assert.deepEqual(
      badges.map((b) => b.id),
      ['a', 'b'],
    );
  });

  it('puts no badge where there are no vehicles', () => {
    assert.deepEqual(placeBadges([{ id: 'a', x: 100, y: 100 }], new Map([['a', 0]]), FRAME), []);
  });
});

describe('placeLabels', () => {
  it('never lets two labels, a label and a point, or a label and a badge overlap', () => {
    for (let seed = 1; seed <= 50; seed++) {
      const anchors: Anchor[] = crowd(30, seed, 0.5);
      const points = anchors.map((a) => pointBox(a.x, a.y));
      const badges = placeBadges(anchors, new Map(anchors.map((a) => [a.id, 1] as const)), FRAME);
      const labels = placeLabels(anchors, [...points, ...badges.map((b) => b.box)], FRAME);
      for (const l of labels) {
        for (const p of points) assert.ok(!overlaps(l.box, p), `seed ${seed}: label ${l.id} covers a point`);
        for (const b of badges)
          assert.ok(!overlaps(l.box, b.box), `seed ${seed}: label ${l.id} covers a badge`);
        for (const o of labels)
          if (o !== l) assert.ok(!overlaps(l.box, o.box), `seed ${seed}: labels overlap`);
      }
    }
  });

  it('labels every point of a route that has room, in route order first', () => {
    const anchors: Anchor[] = [
      { id: 'origin', x: 100, y: 200, text: 'Eastern Aleppo' },
      { id: 'ramouseh', x: 150, y: 210, text: 'Ramouseh' },
      { id: 'rashideen', x: 200, y: 220, text: 'al-Rashideen' },
      { id: 'dest', x: 400, y: 150, text: 'Khan al-Asal' },
    ];
    const labels = placeLabels(
      anchors,
      anchors.map((a) => pointBox(a.x, a.y)),
      FRAME,
    );
    assert.deepEqual(
      labels.map((l) => l.id),
      ['origin', 'ramouseh', 'rashideen', 'dest'],
    );
  });

  it('drops a label that fits nowhere rather than overlapping, and honours the limit', () => {
    const anchors: Anchor[] = Array.from({ length: 40 }, (_, i) => ({
      id: `x${i}`,
      x: 320,
      y: 200,
      text: 'Same place',
    }));
    const labels = placeLabels(anchors, [pointBox(320, 200)], FRAME);
    assert.ok(labels.length <= 8, `got ${labels.length} labels around one spot`);
    assert.equal(placeLabels(crowd(30, 7), [], FRAME, { limit: 5 }).length <= 5, true);
    assert.ok(POINT_RADIUS > 0);
  });
});
