/** Modules made by the build (web/vite.config.ts). */
declare module 'virtual:region-outline' {
  const outline: import('geojson').FeatureCollection;
  export default outline;
}

declare module 'virtual:gazetteer-seats' {
  /** [P-code, English name, Arabic name, lat, lon] of each sub-district seat. */
  const seats: ReadonlyArray<readonly [string, string, string, number, number]>;
  export default seats;
}
