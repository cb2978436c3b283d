/** What an operator asks to reserve, whatever the station's OCPP version. */
export interface ReserveInput {
  /** 1.6: connector id; 2.x: EVSE id. 0 (or absent in 2.x): any. */
  connectorId: number;
  idToken: string;
  /** 2.x id token type; default ISO14443 (an RFID card). */
  idTokenType?: string | undefined;
  expiresAt: string;
  /** 1.6 parentIdTag, 2.x groupIdToken. */
  parentIdToken?: string | undefined;
  /** 2.x only: reserve a connector of this type (cType2, cCCS2, ...). */
  connectorType?: string | undefined;
}

/**
 * The ReserveNow payload for a station's version, so one API serves 1.6 and 2.x stations.
 * @example reserveNowRequest('ocpp2.0.1', 7, { connectorId: 1, idToken: 'TAG', expiresAt }) // { id: 7, evseId: 1, ... }
 */
export function reserveNowRequest(version: string | null, reservationId: number, r: ReserveInput): Record<string, unknown> {
  // A station that never connected is taken as 1.6, as CommandService.send does.
  if (version !== 'ocpp2.0.1' && version !== 'ocpp2.1') {
    return {
      connectorId: r.connectorId, expiryDate: r.expiresAt, idTag: r.idToken, reservationId,
      ...(r.parentIdToken ? { parentIdTag: r.parentIdToken } : {}),
    };
  }
  const type = r.idTokenType ?? 'ISO14443';
  return {
    id: reservationId,
    expiryDateTime: r.expiresAt,
    idToken: { idToken: r.idToken, type },
    // No evseId: any EVSE of the station (H01, reservation of an unspecified EVSE).
    ...(r.connectorId > 0 ? { evseId: r.connectorId } : {}),
    ...(r.connectorType ? { connectorType: r.connectorType } : {}),
    ...(r.parentIdToken ? { groupIdToken: { idToken: r.parentIdToken, type: 'Central' } } : {}),
  };
}
