import { Type, type TSchema } from 'typebox';

/** `{"error": {"code", "message"}}`: the body of every error response. */
export const ErrorBody = Type.Object(
  {
    error: Type.Object({
      code: Type.String({ description: 'Stable error code, see the API documentation' }),
      message: Type.String({ description: 'What went wrong and what to do' }),
      details: Type.Optional(Type.Object({}, { additionalProperties: true })),
    }),
  },
  { $id: 'Error' },
);

/** `{"items": [...], "total": N}` */
export function List<T extends TSchema>(item: T) {
  return Type.Object({ items: Type.Array(item), total: Type.Integer() });
}

export const Paging = {
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 50 })),
  offset: Type.Optional(Type.Integer({ minimum: 0, default: 0 })),
};

const open = { additionalProperties: true } as const;
const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

export const Connector = Type.Object(
  {
    evseId: Type.Integer(),
    connectorId: Type.Integer(),
    ocpp16ConnectorId: Type.Integer(),
    status: Nullable(Type.String()),
    errorCode: Nullable(Type.String()),
    info: Nullable(Type.String()),
    vendorErrorCode: Nullable(Type.String()),
    statusAt: Nullable(Type.String({ format: 'date-time' })),
  },
  open,
);

export const Station = Type.Object(
  {
    id: Type.String(),
    registrationStatus: Type.String({ enum: ['Accepted', 'Pending', 'Rejected'] }),
    online: Type.Boolean(),
    ocppVersion: Nullable(Type.String()),
    vendor: Nullable(Type.String()),
    model: Nullable(Type.String()),
    firmwareVersion: Nullable(Type.String()),
    status: Nullable(Type.String()),
    hasPassword: Type.Boolean(),
    autoRegistered: Type.Boolean(),
    connectors: Type.Optional(Type.Array(Connector)),
  },
  open,
);

/** Statuses an id token can be given (OCPP 2.x AuthorizationStatus less ConcurrentTx and Unknown, which are computed). */
export const IdTokenStatus = Type.String({
  enum: ['Accepted', 'Blocked', 'Expired', 'Invalid', 'NoCredit', 'NotAllowedTypeEVSE', 'NotAtThisLocation', 'NotAtThisTime'],
  description: '1.6 stations get Blocked for NoCredit and the NotAt.../NotAllowed... statuses (1.6 has none of them)',
});

/** OCPP 2.0.1 IdTokenEnumType, plus DirectPayment, EVCCID and VIN from OCPP 2.1. */
export const IdTokenType = Type.String({
  enum: ['Central', 'eMAID', 'ISO14443', 'ISO15693', 'KeyCode', 'Local', 'MacAddress', 'NoAuthorization', 'DirectPayment', 'EVCCID', 'VIN'],
  description: 'The only type a 2.x station may present this token with; null (default): any type. 1.6 idTags carry no type and match regardless.',
});

/** A message for the driver's display (OCPP 2.x personalMessage). */
export const PersonalMessage = Type.Object(
  {
    format: Type.String({ enum: ['ASCII', 'HTML', 'URI', 'UTF8'] }),
    language: Type.Optional(Type.String({ maxLength: 8, description: 'RFC 5646 language code, e.g. en' })),
    content: Type.String({ minLength: 1, maxLength: 512 }),
  },
  { additionalProperties: false },
);

export const IdToken = Type.Object(
  {
    idToken: Type.String(),
    type: Nullable(IdTokenType),
    status: IdTokenStatus,
    expiresAt: Nullable(Type.String({ format: 'date-time' })),
    parentIdToken: Nullable(Type.String({ description: '1.6 parentIdTag; 2.x groupIdToken' })),
    personalMessage: Nullable(PersonalMessage),
    userId: Type.Optional(Nullable(Type.Integer({ description: 'the user (driver) who owns the token; null: nobody' }))),
  },
  open,
);

export const TransactionEvent = Type.Object(
  {
    seqNo: Type.Integer(),
    eventType: Type.String({ enum: ['Started', 'Updated', 'Ended'] }),
    triggerReason: Type.String(),
    timestamp: Type.String({ format: 'date-time' }),
    offline: Type.Boolean(),
    chargingState: Nullable(Type.String()),
    idToken: Nullable(Type.String()),
    receivedAt: Type.String({ format: 'date-time' }),
  },
  open,
);

export const Transaction = Type.Object(
  {
    id: Type.Integer({ description: "Voltlane's id; also the 1.6 transactionId" }),
    stationId: Type.String(),
    ocppTransactionId: Nullable(Type.String({ description: 'OCPP 2.x transactionId chosen by the station; null for 1.6' })),
    connectorId: Type.Integer({ description: '1.6: connector id; 2.x: connector id within the EVSE (0 until the station names it)' }),
    evseId: Type.Integer({ description: '1.6: connector id; 2.x: EVSE id (0 until the station names it)' }),
    idToken: Nullable(Type.String()),
    idTokenType: Nullable(Type.String({ description: '2.x id token type; null for 1.6' })),
    status: Type.String({ enum: ['active', 'completed'] }),
    startedAt: Type.String({ format: 'date-time' }),
    stoppedAt: Nullable(Type.String({ format: 'date-time' })),
    meterStartWh: Nullable(Type.Number({ description: '1.6 meterStart; 2.x first energy register reading' })),
    meterStopWh: Nullable(Type.Number({ description: '1.6 meterStop; 2.x last energy register reading' })),
    energyWh: Nullable(Type.Number({ description: 'Final energy, or energy so far for an active transaction' })),
    stopReason: Nullable(Type.String({ description: '1.6 reason / 2.x stoppedReason' })),
    stopIdToken: Nullable(Type.String()),
    reservationId: Nullable(Type.Integer()),
    seqNo: Nullable(Type.Integer({ description: '2.x: highest seqNo received' })),
    triggerReason: Nullable(Type.String({ description: '2.x: trigger of the latest event' })),
    chargingState: Nullable(Type.String({ description: '2.x: last chargingState reported' })),
    remoteStartId: Nullable(Type.Integer()),
    timeSpentChargingSec: Nullable(Type.Integer()),
    offline: Type.Boolean({ description: '2.x: some event happened while the station was offline' }),
    cost: Type.Optional(Nullable(Type.Object({
      currency: Type.String({ description: 'ISO 4217' }),
      exclVat: Type.String({ description: 'Decimal string' }),
      inclVat: Type.String({ description: 'Decimal string' }),
    }, { description: 'Under the assigned tariff: fixed at stop for completed transactions, so far for active ones; null without a tariff' }))),
    meterValues: Type.Optional(Type.Array(Type.Object({}, open), { description: 'Sampled values; 2.x signedMeterValue and 1.6 SignedData kept as received' })),
    events: Type.Optional(Type.Array(TransactionEvent, { description: '2.x TransactionEvents received, in seqNo order' })),
  },
  open,
);

export const AnyObject = Type.Object({}, open);
export { Type, Nullable };
