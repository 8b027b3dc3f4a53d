/**
 * location.ts — an optional GPS stamp for an observation, taken when the phone has a fix. Signed
 * observations hold only integers (canonical JSON, src/lib/canonical-json.ts), so the position is
 * in E7 degrees (degrees × 10⁷, as Android's location APIs and GPX tools use) and the accuracy
 * in whole metres. No fix within the time limit means no stamp, never a guessed one.
 */

export interface LocationStamp {
  /** Latitude × 10⁷, WGS 84. */
  readonly latE7: number;
  /** Longitude × 10⁷, WGS 84. */
  readonly lonE7: number;
  /** Radius of 68 % confidence, metres (the Geolocation API's `accuracy`). */
  readonly accuracyM: number;
}

/** FIX_TIMEOUT_MS is how long recording waits for a fix before going on without one. */
export const FIX_TIMEOUT_MS = 8_000;
/** A fix up to this old is still where the monitor stands. */
const MAX_AGE_MS = 60_000;

/** stampFrom turns a Geolocation position into a stamp, or null when it is not a usable fix. */
export function stampFrom(coords: {
  latitude: number;
  longitude: number;
  accuracy: number;
}): LocationStamp | null {
  const { latitude, longitude, accuracy } = coords;
  if (![latitude, longitude, accuracy].every(Number.isFinite)) return null;
  if (Math.abs(latitude) > 90 || Math.abs(longitude) > 180 || accuracy < 0) return null;
  return {
    latE7: Math.round(latitude * 1e7),
    lonE7: Math.round(longitude * 1e7),
    accuracyM: Math.min(1_000_000, Math.round(accuracy)),
  };
}

/** currentStamp asks the phone for its position; null without permission, fix or support. */
export function currentStamp(): Promise<LocationStamp | null> {
  if (!('geolocation' in navigator)) return Promise.resolve(null);
  return new Promise((resolve) => {
    navigator.geolocation.getCurrentPosition(
      (p) => resolve(stampFrom(p.coords)),
      () => resolve(null),
      { enableHighAccuracy: true, timeout: FIX_TIMEOUT_MS, maximumAge: MAX_AGE_MS },
    );
  });
}
