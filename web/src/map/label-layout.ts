/**
 * label-layout.ts — where the map's labels and badges go, in screen units, so that none covers
 * another or a route point: a greedy placement (the route's points first, in route order; then
 * the context places nearest the route) that tries a few positions around each anchor and drops a
 * label that fits nowhere (the names are also listed under the map). Vehicle badges try positions
 * around their point that cover no point and no other badge. Pure functions, tested in
 * test/web/map-layout.test.ts.
 */

export interface Box {
  readonly x0: number;
  readonly y0: number;
  readonly x1: number;
  readonly y1: number;
}

export const overlaps = (a: Box, b: Box) => a.x0 < b.x1 && a.x1 > b.x0 && a.y0 < b.y1 && a.y1 > b.y0;

/** POINT_RADIUS is a route point's circle radius; its box is kept clear of every label and badge. */
export const POINT_RADIUS = 9;
const LABEL_HEIGHT = 13;
const GAP = 4;

export interface Anchor {
  readonly id: string;
  readonly x: number;
  readonly y: number;
  readonly text: string;
}

export interface PlacedLabel {
  readonly id: string;
  /** Where the text starts (or ends, with anchor `end`) and its baseline. */
  readonly x: number;
  readonly y: number;
  readonly anchor: 'start' | 'end' | 'middle';
  readonly box: Box;
}

export interface PlacedBadge {
  readonly id: string;
  /** Centre of the badge. */
  readonly x: number;
  readonly y: number;
  readonly box: Box;
}

/** textWidth estimates a label's width (the map's 11 px sans-serif; Arabic runs a little narrower). */
export function textWidth(text: string, charWidth = 6.4): number {
  return [...text].length * charWidth;
}

export function pointBox(x: number, y: number, r = POINT_RADIUS): Box {
  return { x0: x - r, y0: y - r, x1: x + r, y1: y + r };
}

const BADGE_W = 26;
const BADGE_H = 16;

/** placeBadges puts each point's vehicle badge next to it, covering no point and no earlier badge. */
export function placeBadges(
  points: readonly { id: string; x: number; y: number }[],
  counts: ReadonlyMap<string, number>,
  frame: { width: number; height: number },
): PlacedBadge[] {
  const obstacles = points.map((p) => pointBox(p.x, p.y, POINT_RADIUS + 1));
  const out: PlacedBadge[] = [];
  const d = POINT_RADIUS + BADGE_H / 2 + 2;
  const offsets: ReadonlyArray<[number, number]> = [
    [0, -d],
    [d + 6, -d + 4],
    [-(d + 6), -d + 4],
    [0, d],
    [d + 6, d - 4],
    [-(d + 6), d - 4],
    [0, -2 * d],
    [2 * d, 0],
    [-2 * d, 0],
  ];
  for (const p of points) {
    if ((counts.get(p.id) ?? 0) <= 0) continue;
    for (const [dx, dy] of offsets) {
      const x = p.x + dx;
      const y = p.y + dy;
      const box = { x0: x - BADGE_W / 2, y0: y - BADGE_H / 2, x1: x + BADGE_W / 2, y1: y + BADGE_H / 2 };
      if (box.x0 < 0 || box.y0 < 0 || box.x1 > frame.width || box.y1 > frame.height) continue;
      if (obstacles.some((o) => overlaps(o, box))) continue;
      obstacles.push(box);
      out.push({ id: p.id, x, y, box });
      break;
    }
  }
  return out;
}

/**
 * placeLabels places `anchors` in order (the first are the most important), each at the first of
 * eight positions around it that stays inside the frame and clear of `obstacles` and of the labels
 * already placed; at most `limit` labels. Returns the placed ones.
 */
export function placeLabels(
  anchors: readonly Anchor[],
  obstacles: readonly Box[],
  frame: { width: number; height: number },
  { radius = POINT_RADIUS, limit = Number.POSITIVE_INFINITY }: { radius?: number; limit?: number } = {},
): PlacedLabel[] {
  const taken = [...obstacles];
  const out: PlacedLabel[] = [];
  for (const a of anchors) {
    if (out.length >= limit) break;
    const w = textWidth(a.text);
    const r = radius + GAP;
    const candidates: ReadonlyArray<{ x: number; y: number; anchor: PlacedLabel['anchor']; box: Box }> = [
      {
        x: a.x + r,
        y: a.y + 4,
        anchor: 'start',
        box: { x0: a.x + r, y0: a.y - 8, x1: a.x + r + w, y1: a.y + 5 },
      },
      {
        x: a.x - r,
        y: a.y + 4,
        anchor: 'end',
        box: { x0: a.x - r - w, y0: a.y - 8, x1: a.x - r, y1: a.y + 5 },
      },
      {
        x: a.x,
        y: a.y - r,
        anchor: 'middle',
        box: { x0: a.x - w / 2, y0: a.y - r - LABEL_HEIGHT + 2, x1: a.x + w / 2, y1: a.y - r + 3 },
      },
      {
        x: a.x,
        y: a.y + r + 10,
        anchor: 'middle',
        box: { x0: a.x - w / 2, y0: a.y + r, x1: a.x + w / 2, y1: a.y + r + LABEL_HEIGHT },
      },
      {
        x: a.x + r - 2,
        y: a.y - r + 2,
        anchor: 'start',
        box: { x0: a.x + r - 2, y0: a.y - r - 9, x1: a.x + r - 2 + w, y1: a.y - r + 4 },
      },
      {
        x: a.x - r + 2,
        y: a.y - r + 2,
        anchor: 'end',
        box: { x0: a.x - r + 2 - w, y0: a.y - r - 9, x1: a.x - r + 2, y1: a.y - r + 4 },
      },
      {
        x: a.x + r - 2,
        y: a.y + r + 8,
        anchor: 'start',
        box: { x0: a.x + r - 2, y0: a.y + r - 3, x1: a.x + r - 2 + w, y1: a.y + r + 10 },
      },
      {
        x: a.x - r + 2,
        y: a.y + r + 8,
        anchor: 'end',
        box: { x0: a.x - r + 2 - w, y0: a.y + r - 3, x1: a.x - r + 2, y1: a.y + r + 10 },
      },
    ];
    const fit = candidates.find(
      (c) =>
        c.box.x0 >= 2 &&
        c.box.y0 >= 2 &&
        c.box.x1 <= frame.width - 2 &&
        c.box.y1 <= frame.height - 2 &&
        !taken.some((t) => overlaps(t, c.box)),
    );
    if (!fit) continue;
    taken.push(fit.box);
    out.push({ id: a.id, ...fit });
  }
  return out;
}
