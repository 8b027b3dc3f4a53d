/**
 * vite.config.ts — builds the web app (`vite build web` → web/dist), served by the API server
 * (src/api/static.ts). Two small build-time plugins:
 *
 * - `virtual:region-outline` — the country outlines around the operations (Syria and its
 *   neighbours) as GeoJSON, cut from the world-atlas package at build time, so the map needs no
 *   network and the lazy map chunk carries a few kilobytes instead of the whole world.
 * - `sw.js` — the service worker (web/sw/service-worker.js) prefixed with the list of every file
 *   of this build, so the app shell (and its lazy chunks) work offline after the first visit.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Feature, FeatureCollection, Geometry } from 'geojson';
import { feature } from 'topojson-client';
import type { GeometryCollection, Topology } from 'topojson-specification';
import { defineConfig, type Plugin } from 'vite';

const require = createRequire(import.meta.url);
const here = fileURLToPath(new URL('.', import.meta.url));

/** ISO 3166 numeric codes of the countries drawn: Syria, Turkey, Lebanon, Jordan, Iraq, Israel, Palestine. */
const REGION = new Set(['760', '792', '422', '400', '368', '376', '275']);
const OUTLINE_ID = 'virtual:region-outline';

function roundCoordinates(value: unknown): unknown {
  if (typeof value === 'number') return Math.round(value * 1000) / 1000;
  if (Array.isArray(value)) return value.map(roundCoordinates);
  return value;
}

function regionOutline(): Plugin {
  return {
    name: 'attest-region-outline',
    resolveId: (id) => (id === OUTLINE_ID ? `\0${OUTLINE_ID}` : null),
    load(id) {
      if (id !== `\0${OUTLINE_ID}`) return null;
      const world = require('world-atlas/countries-50m.json') as Topology<{ countries: GeometryCollection }>;
      const all = feature(world, world.objects.countries) as FeatureCollection<Geometry, { name: string }>;
      const features = all.features
        .filter((f) => REGION.has(String(f.id)))
        .map(
          (f): Feature => ({
            type: 'Feature',
            id: f.id,
            properties: { name: f.properties.name },
            geometry: {
              ...f.geometry,
              coordinates: roundCoordinates((f.geometry as { coordinates: unknown }).coordinates),
            } as Geometry,
          }),
        );
      return `export default ${JSON.stringify({ type: 'FeatureCollection', features })};`;
    },
  };
}

function serviceWorker(): Plugin {
  return {
    name: 'attest-service-worker',
    apply: 'build',
    generateBundle(_options, bundle) {
      const files = Object.keys(bundle)
        .filter((f) => !f.endsWith('.map') && f !== 'index.html')
        .map((f) => `/${f}`)
        .sort();
      const precache = ['/', ...files];
      const version = createHash('sha256').update(precache.join('\n')).digest('hex').slice(0, 12);
      const body = readFileSync(`${here}sw/service-worker.js`, 'utf8');
      this.emitFile({
        type: 'asset',
        fileName: 'sw.js',
        source: `const VERSION = ${JSON.stringify(version)};\nconst PRECACHE = ${JSON.stringify(precache)};\n${body}`,
      });
    },
  };
}

export default defineConfig({
  root: here,
  base: '/',
  publicDir: 'public',
  oxc: { jsx: { runtime: 'automatic' } },
  plugins: [regionOutline(), serviceWorker()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    assetsInlineLimit: 0,
    reportCompressedSize: false,
    chunkSizeWarningLimit: 400,
  },
});
