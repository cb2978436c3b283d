import type { Cdr, CdrCharges, CdrLocation, CdrToken, Tariff } from '@voltlane/billing';
import type { Transaction } from '../transactions/repository.js';

/** OCPI "No data available": a required field the platform has no value for. */
export const NA = '#NA';

/** What the CDR says about the id token (from the id_tokens row, when the token is registered). */
export interface TokenFacts {
  idToken: string | null;
  /** OCPP 2.x IdTokenEnumType of the token (transaction or registration); null for 1.6. */
  type: string | null;
}

/** Operator identity and the station row (any columns it has: later migrations add location fields). */
export interface CdrContext {
  countryCode: string;
  partyId: string;
  station: Record<string, unknown> | undefined;
  /** The connector row of the session (standard, format, power type when known). */
  connector: Record<string, unknown> | undefined;
  tariffs: Tariff[];
  charges: CdrCharges;
  createdAt: Date;
}

/**
 * OCPP 2.x IdTokenEnumType -> OCPI TokenType: RFID cards are RFID, server-made ids (Central) are
 * APP_USER, a payment terminal's (DirectPayment) AD_HOC_USER; anything else, and 1.6 idTags
 * (which carry no type), OTHER.
 */
export function tokenType(ocppType: string | null): CdrToken['type'] {
  if (ocppType === 'ISO14443' || ocppType === 'ISO15693') return 'RFID';
  if (ocppType === 'Central') return 'APP_USER';
  if (ocppType === 'DirectPayment') return 'AD_HOC_USER';
  return 'OTHER';
}

/** eMI3 EVSE ID (<country>*<operator>*E<outlet>): the outlet id allows letters, digits and '*'. */
export function evseId(countryCode: string, partyId: string, stationId: string, evse: number): string {
  const outlet = stationId.replace(/[^A-Za-z0-9]/g, '').toUpperCase() || 'X';
  return `${countryCode}*${partyId}*E${outlet}*${evse}`.slice(0, 48);
}

const text = (v: unknown, max: number): string | undefined => (typeof v === 'string' && v.trim() ? v.trim().slice(0, max) : undefined);
const coordinate = (v: unknown, intDigits: number): string | undefined => {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  if (!Number.isFinite(n)) return undefined;
  const s = n.toFixed(6);
  return new RegExp(`^-?[0-9]{1,${intDigits}}\\.[0-9]{6}$`).test(s) ? s : undefined;
};

/**
 * The CdrLocation of a station. Voltlane has no OCPI Locations yet: the location is the station
 * (id = station id), its name, address and coordinates come from the station's columns when it
 * has them, and what is not known is `#NA` (OCPI transport_and_format "No data available"),
 * including the connector standard, format and power type unless the connector has them.
 */
export function cdrLocation(tx: Transaction, c: Pick<CdrContext, 'countryCode' | 'partyId' | 'station' | 'connector'>): CdrLocation {
  const s = c.station ?? {};
  const k = c.connector ?? {};
  const lat = coordinate(s.latitude, 2);
  const lon = coordinate(s.longitude, 3);
  const name = text(s.name, 255);
  const postal = text(s.postal_code, 10);
  const state = text(s.state, 20);
  return {
    id: tx.stationId.slice(0, 36),
    ...(name ? { name } : {}),
    address: text(s.address, 45) ?? NA,
    city: text(s.city, 45) ?? NA,
    ...(postal ? { postal_code: postal } : {}),
    ...(state ? { state } : {}),
    country: text(s.country, 3)?.toUpperCase() ?? NA,
    coordinates: lat && lon ? { latitude: lat, longitude: lon } : { latitude: NA, longitude: NA },
    evse_uid: `${tx.stationId}-${tx.evseId}`.slice(0, 36),
    evse_id: evseId(c.countryCode, c.partyId, tx.stationId, tx.evseId),
    connector_id: String(tx.connectorId),
    connector_standard: text(k.standard, 40) ?? NA,
    connector_format: text(k.format, 10) ?? NA,
    connector_power_type: text(k.power_type, 20) ?? NA,
  };
}

/**
 * The OCPI 2.2.1 CDR of a completed transaction. `id` is the CDR id, session_id Voltlane's
 * transaction id; the token belongs to this operator (its own country_code/party_id); the auth
 * method is COMMAND for remotely started 2.x transactions and WHITELIST otherwise (Voltlane
 * authorizes locally, it asks no eMSP); the stop reason is the remark.
 * @example buildCdr(tx, 'CDR-42', token, ctx)
 */
export function buildCdr(tx: Transaction, id: string, token: TokenFacts, c: CdrContext): Cdr {
  const meter = text(c.station?.meter_serial_number, 255);
  const uid = token.idToken ? token.idToken.slice(0, 36) : NA;
  const { currency, charging_periods, total_cost, ...totals } = c.charges;
  return {
    country_code: c.countryCode,
    party_id: c.partyId,
    id,
    start_date_time: new Date(tx.startedAt).toISOString(),
    end_date_time: new Date(tx.stoppedAt ?? tx.startedAt).toISOString(),
    session_id: String(tx.id),
    cdr_token: { country_code: c.countryCode, party_id: c.partyId, uid, type: tokenType(token.type), contract_id: uid },
    auth_method: tx.remoteStartId !== null ? 'COMMAND' : 'WHITELIST',
    cdr_location: cdrLocation(tx, c),
    ...(meter ? { meter_id: meter } : {}),
    currency,
    tariffs: c.tariffs,
    charging_periods,
    total_cost,
    ...totals,
    ...(tx.stopReason ? { remark: `Stopped: ${tx.stopReason}`.slice(0, 255) } : {}),
    last_updated: c.createdAt.toISOString(),
  };
}
