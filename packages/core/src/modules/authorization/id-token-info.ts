import type { OcppVersion, V201 } from '@voltlane/ocpp';

/** Statuses an operator can give an id token (the 2.x AuthorizationStatusEnumType less the computed ones). */
export const ID_TOKEN_STATUSES = [
  'Accepted', 'Blocked', 'Expired', 'Invalid', 'NoCredit', 'NotAllowedTypeEVSE', 'NotAtThisLocation', 'NotAtThisTime',
] as const;
export type IdTokenStatus = (typeof ID_TOKEN_STATUSES)[number];

/** The answer's status: a stored one, or ConcurrentTx (charging elsewhere) or Unknown (not registered). */
export type AuthorizationStatus = IdTokenStatus | 'ConcurrentTx' | 'Unknown';

/**
 * Id token types: the 2.0.1 IdTokenEnumType, plus the values OCPP 2.1 adds in its appendix
 * (IdTokenEnumStringType: DirectPayment, EVCCID, VIN).
 */
export const ID_TOKEN_TYPES = [
  'Central', 'eMAID', 'ISO14443', 'ISO15693', 'KeyCode', 'Local', 'MacAddress', 'NoAuthorization',
  'DirectPayment', 'EVCCID', 'VIN',
] as const;
const V201_TYPES: readonly string[] = ID_TOKEN_TYPES.slice(0, 8);

/** A message for the driver's display (2.x MessageContentType). */
export interface PersonalMessage {
  format: 'ASCII' | 'HTML' | 'URI' | 'UTF8';
  language?: string;
  content: string;
}

/** An id token as a station presents it: a 1.6 idTag has no type; a 2.x idToken has one. */
export interface PresentedIdToken {
  idToken: string;
  type?: string | undefined;
}

/** The answer about one id token, version-neutral (1.6 idTagInfo, 2.x idTokenInfo). */
export interface IdTokenInfo {
  status: AuthorizationStatus;
  expiresAt?: string;
  /** 1.6 parentIdTag; 2.x groupIdToken. */
  parentIdToken?: string;
  /** The type the parent (group) token is registered with, if any. */
  parentIdTokenType?: string;
  personalMessage?: PersonalMessage;
}

/**
 * 1.6 idTagInfo from the version-neutral answer. 1.6 knows fewer statuses: Unknown becomes
 * Invalid (1.6: "identifier is unknown"), the 2.x refusals of a known token become Blocked.
 * @example toIdTagInfo({ status: 'Unknown' }) // { status: 'Invalid' }
 */
export function toIdTagInfo(info: IdTokenInfo): { status: 'Accepted' | 'Blocked' | 'Expired' | 'Invalid' | 'ConcurrentTx'; expiryDate?: string; parentIdTag?: string } {
  return {
    status: to16Status(info.status),
    ...(info.expiresAt ? { expiryDate: info.expiresAt } : {}),
    ...(info.parentIdToken ? { parentIdTag: info.parentIdToken } : {}),
  };
}

function to16Status(s: AuthorizationStatus): 'Accepted' | 'Blocked' | 'Expired' | 'Invalid' | 'ConcurrentTx' {
  if (s === 'Accepted' || s === 'Blocked' || s === 'Expired' || s === 'Invalid' || s === 'ConcurrentTx') return s;
  return s === 'Unknown' ? 'Invalid' : 'Blocked';
}

/**
 * 2.0.1/2.1 idTokenInfo from the version-neutral answer: expiry -> cacheExpiryDateTime, parent ->
 * groupIdToken (typed as registered, else Central: a group id is issued by the CSMS).
 * @example toIdTokenInfo2x({ status: 'Accepted', parentIdToken: 'FLEET' }, 'ocpp2.0.1')
 * // { status: 'Accepted', groupIdToken: { idToken: 'FLEET', type: 'Central' } }
 */
export function toIdTokenInfo2x(info: IdTokenInfo, version: OcppVersion): V201.IdTokenInfoType {
  // 2.0.1 has a closed list of types; 2.1-only ones would fail its schema.
  const groupType = info.parentIdTokenType && (version !== 'ocpp2.0.1' || V201_TYPES.includes(info.parentIdTokenType))
    ? info.parentIdTokenType
    : 'Central';
  return {
    status: info.status,
    ...(info.expiresAt ? { cacheExpiryDateTime: info.expiresAt } : {}),
    ...(info.parentIdToken ? { groupIdToken: { idToken: info.parentIdToken, type: groupType as V201.IdTokenEnumType } } : {}),
    ...(info.personalMessage ? { personalMessage: info.personalMessage } : {}),
  };
}
