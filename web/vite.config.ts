/**
 * vite.config.ts — builds the web app (`vite build web` → web/dist), served by the API server
 * (src/api/static.ts). Two small build-time plugins:
 *
 * - `virtual:region-outline` — the country outlines around the operations (Syria and its
 *   neighbours) as GeoJSON, cut from the world-atlas package at build time, so the map needs no
 *   network and the lazy map chunk carries a few kilobytes instead of the whole world.
 * - `virtual:gazetteer-seats` — the 270 sub-district seats of the Syria gazetteer
 *   (assets/gazetteer, OCHA P-codes) with English and Arabic names, drawn around a route for
 *   context; a few kilobytes in the lazy map chunk.
 * - `sw.js` — the service worker (web/sw/service-worker.js) prefixed with the list of every file
 *   of this build, so the app shell (and its lazy chunks) work offline after the first visit.
 * - precompression — every text file of the build also as `NAME.br` (brotli, quality 11) and
 *   `NAME.gz` (gzip -9), written once at build time, so the server sends the smallest encoding the
 *   browser accepts without compressing on each request (src/api/static.ts negotiates).
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, gzipSync, constants as zlib } from 'node:zlib';
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

const SEATS_ID = 'virtual:gazetteer-seats';

/** gazetteerSeats emits [pcode, English, Arabic, lat, lon] for each level-3 row of the gazetteer. */
function gazetteerSeats(): Plugin {
  return {
    name: 'attest-gazetteer-seats',
    resolveId: (id) => (id === SEATS_ID ? `\0${SEATS_ID}` : null),
    load(id) {
      if (id !== `\0${SEATS_ID}`) return null;
      const [header, ...rows] = readFileSync(`${here}../assets/gazetteer/syria-places.csv`, 'utf8')
        .trim()
        .split('\n');
      if (header !== 'pcode,name_en,name_ar,level,admin1_pcode,admin2_pcode,admin3_pcode,lat,lon') {
        throw new Error('assets/gazetteer/syria-places.csv: unexpected header');
      }
      // The file has no quoted fields (checked by its own validator): a plain split is exact.
      const seats = rows
        .map((line) => line.split(','))
        .filter((f) => f[3] === '3')
        .map((f) => [
          f[0],
          f[1],
          f[2],
          Math.round(Number(f[7]) * 1000) / 1000,
          Math.round(Number(f[8]) * 1000) / 1000,
        ]);
      return `export default ${JSON.stringify(seats)};`;
    },
  };
}

function serviceWorker(): Plugin {
  return {
    name: 'attest-service-worker',
    apply: 'build',
    generateBundle(_options, bundle) {
      const files = Object.keys(bundle)
        // pdf.js and its worker (~1.5 MB) are fetched when a PDF is opened, never precached:
        // monitors' phones should not download a PDF viewer they will not use.
        .filter((f) => !f.endsWith('.map') && f !== 'index.html' && !/^assets\/pdf[.-]/.test(f))
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

/** COMPRESSIBLE are the build's text formats; images and fonts are compressed already. */
const COMPRESSIBLE = /\.(?:m?js|css|html|svg|json|webmanifest|txt|map)$/;

/**
 * precompress writes `.br` and `.gz` beside each text file of the build. A variant that saves
 * less than 5 % is not written: the server then sends the file as it is.
 */
function precompress(): Plugin {
  let outDir = '';
  return {
    name: 'attest-precompress',
    apply: 'build',
    writeBundle(options) {
      outDir = options.dir ?? '';
    },
    closeBundle() {
      if (!outDir) return;
      for (const rel of readdirSync(outDir, { recursive: true, encoding: 'utf8' })) {
        const file = join(outDir, rel);
        if (!COMPRESSIBLE.test(rel) || !statSync(file).isFile()) continue;
        const body = readFileSync(file);
        const variants = {
          br: brotliCompressSync(body, {
            params: {
              [zlib.BROTLI_PARAM_QUALITY]: zlib.BROTLI_MAX_QUALITY,
              [zlib.BROTLI_PARAM_SIZE_HINT]: body.length,
              [zlib.BROTLI_PARAM_MODE]: zlib.BROTLI_MODE_TEXT,
            },
          }),
          gz: gzipSync(body, { level: 9 }),
        };
        for (const [ext, packed] of Object.entries(variants)) {
          if (packed.length < body.length * 0.95) writeFileSync(`${file}.${ext}`, packed);
        }
      }
    },
  };
}

export default defineConfig({
  root: here,
  base: '/',
  publicDir: 'public',
  oxc: { jsx: { runtime: 'automatic' } },
  plugins: [regionOutline(), gazetteerSeats(), serviceWorker(), precompress()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    assetsInlineLimit: 0,
    reportCompressedSize: false,
    chunkSizeWarningLimit: 400,
  },
});
