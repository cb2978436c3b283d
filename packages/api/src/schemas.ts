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

export const IdToken = Type.Object(
  {
    idToken: Type.String(),
    status: Type.String({ enum: ['Accepted', 'Blocked', 'Expired', 'Invalid'] }),
    expiresAt: Nullable(Type.String({ format: 'date-time' })),
    parentIdToken: Nullable(Type.String()),
  },
  open,
);

export const Transaction = Type.Object(
  {
    id: Type.Integer(),
    stationId: Type.String(),
    connectorId: Type.Integer(),
    evseId: Type.Integer(),
    idToken: Nullable(Type.String()),
    status: Type.String({ enum: ['active', 'completed'] }),
    startedAt: Type.String({ format: 'date-time' }),
    stoppedAt: Nullable(Type.String({ format: 'date-time' })),
    meterStartWh: Nullable(Type.Number()),
    meterStopWh: Nullable(Type.Number()),
    energyWh: Nullable(Type.Number({ description: 'Final energy, or energy so far for an active transaction' })),
    stopReason: Nullable(Type.String()),
    meterValues: Type.Optional(Type.Array(Type.Object({}, open))),
  },
  open,
);

export const AnyObject = Type.Object({}, open);
export { Type, Nullable };
