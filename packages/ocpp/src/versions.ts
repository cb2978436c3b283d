/** OCPP-J subprotocols (WebSocket `Sec-WebSocket-Protocol` values) Voltlane knows. */
export type OcppVersion = 'ocpp1.6' | 'ocpp2.0.1' | 'ocpp2.1';

export const ALL_VERSIONS: readonly OcppVersion[] = ['ocpp2.1', 'ocpp2.0.1', 'ocpp1.6'];

/** Who sends a call: the charge point (station) or the central system (CSMS). */
export type Initiator = 'chargePoint' | 'csms';

/** True if the value is a known OCPP subprotocol. */
export function isOcppVersion(v: string): v is OcppVersion {
  return (ALL_VERSIONS as readonly string[]).includes(v);
}
