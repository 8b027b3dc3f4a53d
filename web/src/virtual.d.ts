/** Modules made by the build (web/vite.config.ts). */
declare module 'virtual:region-outline' {
  const outline: import('geojson').FeatureCollection;
  export default outline;
}
