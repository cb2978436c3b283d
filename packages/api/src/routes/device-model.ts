import type { ApiOptions, App } from '../server.js';
import { List, Nullable, Paging, Type } from '../schemas.js';

const Id = Type.Object({ id: Type.String({ minLength: 1, maxLength: 48 }) });
const err = { $ref: 'Error#' };
const open = { additionalProperties: true } as const;
const DateTime = Type.String({ format: 'date-time' });

const Component = Type.Object({
  name: Type.String(),
  instance: Nullable(Type.String()),
  evse: Nullable(Type.Object({ id: Type.Integer(), connectorId: Nullable(Type.Integer()) })),
});
const Variable = Type.Object({ name: Type.String(), instance: Nullable(Type.String()) });

const DeviceModelVariable = Type.Object({
  component: Component,
  variable: Variable,
  attributes: Type.Array(Type.Object({
    type: Type.String({ enum: ['Actual', 'Target', 'MinSet', 'MaxSet'] }),
    value: Nullable(Type.String({ description: 'null for write-only variables (passwords are never stored)' })),
    mutability: Nullable(Type.String()),
    persistent: Nullable(Type.Boolean()),
    constant: Nullable(Type.Boolean()),
    source: Type.String({ enum: ['report', 'get', 'set'], description: 'The message that last wrote the value: NotifyReport, GetVariables or SetVariables' }),
    rebootRequired: Type.Boolean({ description: 'SetVariables was answered RebootRequired: the value applies after the next reboot' }),
    updatedAt: DateTime,
  })),
  characteristics: Nullable(Type.Object({
    unit: Nullable(Type.String()),
    dataType: Nullable(Type.String()),
    minLimit: Nullable(Type.Number()),
    maxLimit: Nullable(Type.Number()),
    maxElements: Nullable(Type.Integer()),
    valuesList: Nullable(Type.String()),
    supportsMonitoring: Nullable(Type.Boolean()),
  }, { description: 'From NotifyReport; null for a variable only read or set so far' })),
}, open);

const ReportRequest = Type.Object({
  requestId: Type.Integer(),
  kind: Nullable(Type.String()),
  status: Type.String({
    enum: ['Requested', 'Accepted', 'InProgress', 'Complete', 'Rejected', 'NotSupported', 'EmptyResultSet', 'Invalid'],
    description: 'Requested/Accepted: no part yet; InProgress: parts arriving (tbc); Complete: last part received; else the charger refused',
  }),
  responseStatus: Nullable(Type.String()),
  request: Nullable(Type.Object({}, open)),
  parts: Type.Integer(),
  requestedAt: Nullable(DateTime),
  startedAt: Nullable(DateTime),
  completedAt: Nullable(DateTime),
}, open);

const DeviceEvent = Type.Object({
  id: Type.Integer(),
  eventId: Type.Integer(),
  timestamp: DateTime,
  trigger: Type.String(),
  cause: Nullable(Type.Integer()),
  actualValue: Type.String(),
  techCode: Nullable(Type.String()),
  techInfo: Nullable(Type.String()),
  cleared: Nullable(Type.Boolean()),
  transactionId: Nullable(Type.String()),
  component: Component,
  variable: Variable,
  variableMonitoringId: Nullable(Type.Integer()),
  eventNotificationType: Type.String(),
  severity: Nullable(Type.Integer()),
  generatedAt: DateTime,
  receivedAt: DateTime,
}, open);

const Monitor = Type.Object({
  id: Type.Integer(),
  component: Component,
  variable: Variable,
  type: Type.String(),
  value: Type.Number(),
  severity: Type.Integer(),
  transaction: Type.Boolean(),
  eventNotificationType: Nullable(Type.String()),
  source: Type.String({ enum: ['report', 'set'], description: 'report: NotifyMonitoringReport; set: accepted SetVariableMonitoring' }),
  updatedAt: DateTime,
}, open);

const CustomerInformation = Type.Object({
  ...ReportRequest.properties,
  data: Type.String({ description: 'The chunks joined in seqNo order' }),
  chunks: Type.Array(Type.Object({ seqNo: Type.Integer(), data: Type.String(), generatedAt: DateTime, receivedAt: DateTime })),
}, open);

const PasswordRotation = Type.Object({
  rotated: Type.Boolean({ description: 'The charger accepted the password; its next connection must use it' }),
  ocppVersion: Type.String(),
  action: Type.String({ enum: ['SetVariables', 'ChangeConfiguration'] }),
  status: Type.String({ description: "The charger's answer (Accepted, RebootRequired, Rejected, ...)" }),
  password: Type.Optional(Type.String({ description: 'The generated password, shown only this once' })),
});

/**
 * The device model of OCPP 2.x stations per component and variable (B05-B08), their events,
 * monitors and customer information (N), and station password rotation (A01).
 */
export function deviceModelRoutes(app: App, { core }: ApiOptions): void {
  const tags = ['device model'];

  app.get('/stations/:id/device-model', {
    config: { access: 'operator' },
    schema: {
      tags, summary: 'The device model a station reported, one item per component and variable',
      description:
        'Filled by NotifyReport (send GetBaseReport or GetReport through the command endpoint) and kept in step by the ' +
        'replies to GetVariables and SetVariables. `evseId=0` selects components that belong to no EVSE.',
      params: Id,
      querystring: Type.Object({
        ...Paging,
        component: Type.Optional(Type.String()),
        componentInstance: Type.Optional(Type.String()),
        variable: Type.Optional(Type.String()),
        variableInstance: Type.Optional(Type.String()),
        evseId: Type.Optional(Type.Integer({ minimum: 0 })),
      }),
      response: { 200: List(DeviceModelVariable), 404: err },
    },
  }, async (req) => core.deviceModel.list(req.params.id, req.query));

  app.get('/stations/:id/device-model/components', {
    config: { access: 'operator' },
    schema: {
      tags, summary: 'The components of a station\'s device model with how many variables each has',
      params: Id,
      response: { 200: List(Type.Object({ component: Component, variables: Type.Integer() })), 404: err },
    },
  }, async (req) => {
    const items = await core.deviceModel.components(req.params.id);
    return { items, total: items.length };
  });

  app.get('/stations/:id/device-model/reports', {
    config: { access: 'operator' },
    schema: {
      tags, summary: 'GetBaseReport/GetReport requests and where their NotifyReport parts stand, newest first',
      params: Id, querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })) }),
      response: { 200: List(ReportRequest), 404: err },
    },
  }, async (req) => {
    const items = await core.deviceModel.reports(req.params.id, req.query.limit ?? 50);
    return { items, total: items.length };
  });

  app.post('/stations/:id/password-rotation', {
    config: { access: 'admin' },
    schema: {
      tags: ['stations'], summary: 'Rotate the HTTP Basic auth password of a connected station (security profile 1)',
      description:
        'Sends the new password to the station (OCPP 2.x: SetVariables SecurityCtrlr.BasicAuthPassword; OCPP 1.6: ' +
        'ChangeConfiguration AuthorizationKey). When the station answers Accepted (or RebootRequired) its stored password ' +
        'is replaced: the station reconnects with the new one and the old one is refused. Without `password` a random ' +
        '32-character one is generated and returned once. 200 also when the station refused (`rotated: false`, password unchanged); ' +
        '409 station offline; 502/504 the station answered with an error or not at all.',
      params: Id,
      body: Type.Object({
        password: Type.Optional(Type.String({ minLength: 16, maxLength: 40, pattern: '^[\\x21-\\x7e]+$', description: '16-40 printable ASCII characters, no spaces' })),
      }, { additionalProperties: false }),
      response: { 200: PasswordRotation, 400: err, 404: err, 409: err, 502: err, 504: err },
    },
  }, async (req) => core.passwordRotation.rotate(req.params.id, req.body?.password));

  app.get('/stations/:id/events', {
    config: { access: 'operator' },
    schema: {
      tags: ['diagnostics'], summary: 'Events the station notified (NotifyEvent), newest first',
      params: Id,
      querystring: Type.Object({
        ...Paging,
        component: Type.Optional(Type.String()),
        variable: Type.Optional(Type.String()),
        trigger: Type.Optional(Type.String({ enum: ['Alerting', 'Delta', 'Periodic'] })),
        since: Type.Optional(DateTime),
      }),
      response: { 200: List(DeviceEvent), 404: err },
    },
  }, async (req) => core.monitoring.events(req.params.id, req.query));

  app.get('/stations/:id/monitors', {
    config: { access: 'operator' },
    schema: {
      tags: ['diagnostics'], summary: 'Variable monitors of the station, and the monitoring base and level it accepted last',
      description:
        'Filled by NotifyMonitoringReport (send GetMonitoringReport; one without criteria replaces the list) and by the replies to ' +
        'SetVariableMonitoring, ClearVariableMonitoring, SetMonitoringBase (HardWiredOnly removes the monitors set through Voltlane) and SetMonitoringLevel.',
      params: Id,
      querystring: Type.Object({ component: Type.Optional(Type.String()), variable: Type.Optional(Type.String()) }),
      response: {
        200: Type.Object({ items: Type.Array(Monitor), total: Type.Integer(), monitoringBase: Nullable(Type.String()), monitoringLevel: Nullable(Type.Integer()) }),
        404: err,
      },
    },
  }, async (req) => core.monitoring.monitors(req.params.id, req.query));

  app.get('/stations/:id/customer-information', {
    config: { access: 'operator' },
    schema: {
      tags: ['diagnostics'], summary: 'CustomerInformation requests and where their data stands, newest first',
      params: Id, querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })) }),
      response: { 200: List(ReportRequest), 404: err },
    },
  }, async (req) => {
    const items = await core.monitoring.customerInformationRequests(req.params.id, req.query.limit ?? 50);
    return { items, total: items.length };
  });

  app.get('/stations/:id/customer-information/:requestId', {
    config: { access: 'operator' },
    schema: {
      tags: ['diagnostics'], summary: 'The customer information a station sent for one CustomerInformation request',
      params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 48 }), requestId: Type.Integer() }),
      response: { 200: CustomerInformation, 404: err },
    },
  }, async (req) => core.monitoring.customerInformation(req.params.id, req.params.requestId));
}
