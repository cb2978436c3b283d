import QRCode from 'qrcode';
import { AppError, CONNECTOR_FORMATS, CONNECTOR_TYPES, POWER_TYPES, type ConnectorDetails, type StationLocation } from '@voltlane/core';
import type { ApiOptions, App } from '../server.js';
import { Nullable, Type } from '../schemas.js';

const err = { $ref: 'Error#' };
const Id = Type.Object({ id: Type.String({ minLength: 1, maxLength: 48 }) });
const ConnectorType = Type.String({ enum: [...CONNECTOR_TYPES], description: 'OCPI 2.2.1 ConnectorType, e.g. IEC_62196_T2, IEC_62196_T2_COMBO, CHADEMO' });
const Availability = Type.String({ enum: ['available', 'charging', 'offline', 'faulted', 'unavailable'] });

/**
 * Location fields of PATCH /api/v1/stations/{id} (OCPI 2.2.1 Location): absent leaves a field as
 * it is, null clears it. stations.ts spreads these into its body schema.
 */
export const LocationFields = {
  name: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 255, description: 'display name shown on the map and QR pages' }))),
  address: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 255, description: 'street and house number' }))),
  city: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 45 }))),
  postalCode: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 10 }))),
  country: Type.Optional(Nullable(Type.String({ pattern: '^[A-Za-z]{3}$', description: 'ISO 3166-1 alpha-3, e.g. FRA' }))),
  latitude: Type.Optional(Nullable(Type.Number({ minimum: -90, maximum: 90, description: 'decimal degrees (WGS 84); set with longitude' }))),
  longitude: Type.Optional(Nullable(Type.Number({ minimum: -180, maximum: 180, description: 'decimal degrees (WGS 84); set with latitude' }))),
  timeZone: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 64, description: 'IANA time zone, e.g. Europe/Paris' }))),
};
const LOCATION_KEYS = Object.keys(LocationFields) as (keyof StationLocation)[];

/** Splits a PATCH /stations/{id} body into its location fields (or undefined when it has none) and the rest. */
export function splitLocation<T extends Record<string, unknown>>(body: T): { location: Partial<StationLocation> | undefined; rest: Omit<T, keyof StationLocation> } {
  const location: Record<string, unknown> = {};
  const rest: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) (LOCATION_KEYS.includes(k as keyof StationLocation) ? location : rest)[k] = v;
  return { location: Object.keys(location).length ? (location as Partial<StationLocation>) : undefined, rest: rest as Omit<T, keyof StationLocation> };
}

const LocationSchema = Type.Object({
  name: Nullable(Type.String()), address: Nullable(Type.String()), city: Nullable(Type.String()), postalCode: Nullable(Type.String()),
  country: Nullable(Type.String()), latitude: Nullable(Type.Number()), longitude: Nullable(Type.Number()), timeZone: Nullable(Type.String()),
});

const ConnectorDetailsSchema = Type.Object({
  evseId: Type.Integer(), connectorId: Type.Integer(), status: Nullable(Type.String()), statusAt: Nullable(Type.String({ format: 'date-time' })),
  standard: Nullable(Type.String({ description: 'OCPI ConnectorType: set by the operator, else mapped from the OCPP 2.x ConnectorType the station reported' })),
  format: Nullable(Type.String()), powerType: Nullable(Type.String()),
  maxPowerW: Nullable(Type.Number({ description: 'set by the operator, else the 2.x EVSE Power maxLimit' })),
  maxVoltage: Nullable(Type.Number()), maxAmperage: Nullable(Type.Number()),
});

const MapStationSchema = Type.Object({
  id: Type.String(), name: Nullable(Type.String()), address: Nullable(Type.String()), city: Nullable(Type.String()),
  lat: Type.Number(), lng: Type.Number(), online: Type.Boolean(), availability: Availability,
  connectors: Type.Array(Type.Object({
    evseId: Type.Integer({ description: 'what to pass as evseId to POST /api/v1/me/sessions' }), connectorId: Type.Integer(),
    type: Nullable(Type.String({ description: 'OCPI ConnectorType' })), powerType: Nullable(Type.String()), maxPowerW: Nullable(Type.Number()), status: Nullable(Type.String()),
  })),
});

/**
 * Station locations and connector details (set by operators), the charge point map (any
 * logged-in user), the web app's public settings, and the printable QR sheet of a station.
 */
export function locationRoutes(app: App, { core }: ApiOptions): void {
  app.get('/stations/:id/location', {
    config: { access: 'operator' },
    schema: {
      tags: ['locations'], summary: 'A station\'s location and its connectors\' type and power (change them with PATCH /stations/{id} and PATCH /stations/{id}/connectors/{evseId}/{connectorId})',
      params: Id, response: { 200: Type.Object({ ...LocationSchema.properties, connectors: Type.Array(ConnectorDetailsSchema) }), 404: err },
    },
  }, async (req) => core.locations.get(req.params.id));

  app.patch('/stations/:id/connectors/:evseId/:connectorId', {
    config: { access: 'operator' },
    schema: {
      tags: ['locations'], summary: 'Set a connector\'s type (OCPI standard), format, power type and limits; null clears a field',
      description: 'evseId is the 2.x EVSE or the 1.6 connector id; connectorId is 1 for 1.6 stations. A connector the station has not reported yet is created.',
      params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 48 }), evseId: Type.Integer({ minimum: 1 }), connectorId: Type.Integer({ minimum: 1 }) }),
      body: Type.Object({
        standard: Type.Optional(Nullable(ConnectorType)),
        format: Type.Optional(Nullable(Type.String({ enum: [...CONNECTOR_FORMATS], description: 'SOCKET: bring your cable; CABLE: attached cable' }))),
        powerType: Type.Optional(Nullable(Type.String({ enum: [...POWER_TYPES] }))),
        maxPowerW: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 10_000_000, description: 'maximum power in W, e.g. 22000' }))),
        maxVoltage: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 2000 }))),
        maxAmperage: Type.Optional(Nullable(Type.Integer({ minimum: 1, maximum: 3000 }))),
      }, { additionalProperties: false }),
      response: { 200: ConnectorDetailsSchema, 400: err, 404: err },
    },
  }, async (req) => core.locations.updateConnector(req.params.id, req.params.evseId, req.params.connectorId, req.body as never));

  app.get('/map/stations', {
    config: { access: 'user' },
    schema: {
      tags: ['map'], summary: 'Stations on the map (Accepted stations with coordinates) with availability and connectors',
      description: 'Filters apply to connectors: a station is listed when one of its connectors matches all of them. ' +
        '`available=true`: an Available connector on an online station. `connectorType` may be repeated (any of them). ' +
        '`bbox=minLng,minLat,maxLng,maxLat` limits to a box.',
      querystring: Type.Object({
        available: Type.Optional(Type.Boolean()),
        connectorType: Type.Optional(Type.Array(ConnectorType, { maxItems: CONNECTOR_TYPES.length })),
        minPowerKw: Type.Optional(Type.Number({ minimum: 0, maximum: 10_000 })),
        bbox: Type.Optional(Type.String({ pattern: '^-?[0-9.]+,-?[0-9.]+,-?[0-9.]+,-?[0-9.]+$', description: 'minLng,minLat,maxLng,maxLat' })),
      }),
      response: { 200: Type.Array(MapStationSchema), 400: err },
    },
  }, async (req) => {
    const q = req.query;
    return core.locations.map({
      available: q.available,
      connectorTypes: q.connectorType,
      minPowerW: q.minPowerKw !== undefined ? q.minPowerKw * 1000 : undefined,
      bbox: q.bbox ? parseBbox(q.bbox) : undefined,
    });
  });

  app.get('/public/config', {
    config: { access: 'public' },
    schema: {
      tags: ['public'], summary: 'Settings the web app needs before login (map style)', security: [],
      response: {
        200: Type.Object({
          mapStyleUrl: Nullable(Type.String({ description: 'VOLTLANE_MAP_STYLE_URL; null: use the bundled offline basemap' })),
          publicUrl: Type.String({ description: 'VOLTLANE_PUBLIC_URL: the base of QR code links' }),
        }),
      },
    },
  }, async () => ({ mapStyleUrl: core.ctx.config.mapStyleUrl ?? null, publicUrl: core.ctx.config.publicUrl }));

  app.get('/stations/:id/qr-sheet', {
    config: { access: 'operator' },
    schema: {
      tags: ['locations'], summary: 'Printable HTML page with one QR code per connector; each opens the web app\'s start page for that EVSE',
      description: 'QR codes encode {VOLTLANE_PUBLIC_URL}/app/start/{stationId}/{evseId}. `lang=fr` prints the labels in French.',
      params: Id, querystring: Type.Object({ lang: Type.Optional(Type.String({ enum: ['en', 'fr'] })) }),
      produces: ['text/html'],
      response: { 404: err },
    },
  }, async (req, reply) => {
    const location = await core.locations.get(req.params.id);
    const html = await qrSheet(req.params.id, location, core.ctx.config.publicUrl, req.query.lang ?? 'en');
    return reply
      .type('text/html; charset=utf-8')
      .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'")
      .send(html);
  });
}

function parseBbox(s: string): { minLng: number; minLat: number; maxLng: number; maxLat: number } {
  const [minLng, minLat, maxLng, maxLat] = s.split(',').map(Number) as [number, number, number, number];
  const ok = [minLng, maxLng].every((v) => v >= -180 && v <= 180) && [minLat, maxLat].every((v) => v >= -90 && v <= 90) && minLat <= maxLat;
  if (!ok) throw new AppError('VALIDATION_FAILED', 'bbox must be minLng,minLat,maxLng,maxLat in degrees with minLat <= maxLat', { field: 'querystring.bbox' });
  return { minLng, minLat, maxLng, maxLat };
}

/** The start page URL a connector's QR code opens. */
export function startUrl(publicUrl: string, stationId: string, evseId: number): string {
  return `${publicUrl}/app/start/${encodeURIComponent(stationId)}/${evseId}`;
}

const LABELS = {
  en: { title: 'QR codes', scan: 'Scan to charge', evse: 'Charge point', connector: 'connector', none: 'This station has no connectors yet: they appear once the station reports them, or set them with PATCH /api/v1/stations/{id}/connectors/{evseId}/{connectorId}.', print: 'Print this page; cut along the lines and stick each code on its connector.' },
  fr: { title: 'Codes QR', scan: 'Scannez pour recharger', evse: 'Point de charge', connector: 'connecteur', none: 'Cette borne n’a pas encore de connecteurs : ils apparaissent quand la borne les signale, ou définissez-les avec PATCH /api/v1/stations/{id}/connectors/{evseId}/{connectorId}.', print: 'Imprimez cette page, découpez le long des traits et collez chaque code sur son connecteur.' },
} as const;

/** Names drivers know (the web app uses the same); other OCPI codes are printed as they are. */
const TYPE_NAMES: Record<string, string> = {
  IEC_62196_T2: 'Type 2', IEC_62196_T2_COMBO: 'CCS (Combo 2)', IEC_62196_T1: 'Type 1', IEC_62196_T1_COMBO: 'CCS (Combo 1)',
  CHADEMO: 'CHAdeMO', CHAOJI: 'ChaoJi', TESLA_S: 'Tesla', GBT_AC: 'GB/T AC', GBT_DC: 'GB/T DC', IEC_62196_T3C: 'Type 3C', IEC_62196_T3A: 'Type 3A',
};

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The printable sheet: one labelled QR code (inline SVG) per connector. */
async function qrSheet(stationId: string, loc: StationLocation & { connectors: ConnectorDetails[] }, publicUrl: string, lang: 'en' | 'fr' | string): Promise<string> {
  const l = lang === 'fr' ? LABELS.fr : LABELS.en;
  const title = loc.name ?? stationId;
  const where = [loc.address, [loc.postalCode, loc.city].filter(Boolean).join(' ')].filter(Boolean).join(', ');
  const cards: string[] = [];
  for (const c of loc.connectors) {
    const url = startUrl(publicUrl, stationId, c.evseId);
    const svg = await QRCode.toString(url, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 });
    const details = [c.standard ? (TYPE_NAMES[c.standard] ?? c.standard) : null, c.maxPowerW ? `${+(c.maxPowerW / 1000).toFixed(1)} kW` : null, c.powerType === 'DC' ? 'DC' : c.powerType ? 'AC' : null].filter(Boolean).join(' · ');
    cards.push(`<figure class="card">
  <div class="qr" role="img" aria-label="${esc(`QR: ${url}`)}">${svg}</div>
  <figcaption><strong>${esc(l.scan)}</strong><br>${esc(title)}<br>${esc(`${l.evse} ${c.evseId} · ${l.connector} ${c.connectorId}`)}${details ? `<br>${esc(details)}` : ''}<br><small>${esc(url)}</small></figcaption>
</figure>`);
  }
  return `<!doctype html>
<html lang="${lang === 'fr' ? 'fr' : 'en'}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(`${l.title}: ${title}`)}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 1cm; color: #000; }
h1 { font-size: 1.3rem; margin: 0 0 .2rem; } p { margin: 0 0 .8rem; color: #333; }
.sheet { display: grid; grid-template-columns: repeat(auto-fill, minmax(6.5cm, 1fr)); gap: .5cm; }
.card { border: 1px dashed #888; padding: .4cm; margin: 0; text-align: center; break-inside: avoid; }
.qr svg { width: 5cm; height: 5cm; }
small { word-break: break-all; color: #444; }
@media print { .hint { display: none; } body { margin: 0; } }
</style></head><body>
<h1>${esc(title)}</h1>
<p>${esc([stationId !== title ? stationId : '', where].filter(Boolean).join(' · '))}</p>
<p class="hint">${esc(l.print)}</p>
${cards.length ? `<main class="sheet">${cards.join('\n')}</main>` : `<p>${esc(l.none)}</p>`}
</body></html>
`;
}
