/** Longest station identity OCPP allows (1.6 chargeBoxIdentity / 2.0.1 identity: 48). */
const MAX_ID = 48;

export type PathResult =
  | { ok: true; stationId: string }
  | { ok: false; status: 400 | 404; reason: string; stationId?: string };

/**
 * Station id from an upgrade URL: `/ocpp/{id}`, or the last path segment below `/ocpp/`
 * (many chargers append their id to whatever URL they were given).
 * @example parseStationPath('/ocpp/site-a/CP%2D1') // -> { ok: true, stationId: 'CP-1' }
 */
export function parseStationPath(url: string): PathResult {
  const path = url.split('?')[0]!;
  if (path !== '/ocpp' && !path.startsWith('/ocpp/')) {
    return { ok: false, status: 404, reason: 'OCPP endpoint is /ocpp/{stationId}' };
  }
  const segments = path.split('/').filter(Boolean);
  if (segments.length < 2) return { ok: false, status: 400, reason: 'Station id missing: connect to /ocpp/{stationId}' };
  let id: string;
  try {
    id = decodeURIComponent(segments[segments.length - 1]!);
  } catch {
    return { ok: false, status: 400, reason: 'Station id is not valid percent-encoding' };
  }
  if (id.length > MAX_ID) return { ok: false, status: 400, reason: `Station id longer than ${MAX_ID} characters`, stationId: id.slice(0, MAX_ID) };
  // eslint-disable-next-line no-control-regex
  if (/[\x00-\x20\x7f]/.test(id)) return { ok: false, status: 400, reason: 'Station id contains spaces or control characters' };
  return { ok: true, stationId: id };
}
