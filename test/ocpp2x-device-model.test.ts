/**
 * OCPP 2.0.1 / 2.1 device model (B) and diagnostics (N), CSMS side, against ocpp-rpc in strict
 * mode: reports in parts, GetVariables/SetVariables kept in step, password rotation, events,
 * monitors and customer information, all through the REST API.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { testDatabases } from '@voltlane/db';
import { eventually, startTestServer, type TestServer } from './helpers.js';
import { rpcCharger } from './rpc-peer.js';

const VERSIONS = [['DM201', 'ocpp2.0.1'], ['DM21', 'ocpp2.1']] as const;
const PASSWORD = 'first-password-0001';

/** Lets a handler reply first, then sends the charger's follow-up messages in order. */
function afterReply(fn: () => Promise<unknown>): void {
  setTimeout(() => void fn().catch((e: unknown) => console.error('follow-up failed', e)), 10);
}

for (const tdb of testDatabases()) {
  describe(`OCPP 2.x device model and diagnostics (${tdb.name})`, () => {
    let s: TestServer;
    let cleanup: () => Promise<void>;
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const clients: any[] = [];

    before(async () => {
      const opened = await tdb.open();
      cleanup = opened.cleanup;
      s = await startTestServer(opened.db, { VOLTLANE_COMMAND_TIMEOUT_SEC: '3' });
      for (const [id] of VERSIONS) {
        assert.equal((await s.api('POST', '/api/v1/stations', { id, password: PASSWORD })).status, 201);
        assert.equal((await s.api('POST', '/api/v1/stations', { id: `${id}-PW`, password: PASSWORD })).status, 201);
      }
      assert.equal((await s.api('POST', '/api/v1/stations', { id: 'DM16', password: PASSWORD })).status, 201);
      assert.equal((await s.api('POST', '/api/v1/stations', { id: 'DM-OFFLINE', password: PASSWORD })).status, 201);
      assert.equal((await s.api('POST', '/api/v1/stations', { id: 'DM-NOPW' })).status, 201);
    });
    after(async () => {
      for (const c of clients) await c.close({ force: true }).catch(() => undefined);
      await s.stop();
      await cleanup();
    });

    async function connect(identity: string, protocol: string, password = PASSWORD) {
      const cp = rpcCharger({ endpoint: s.ws, identity, protocols: [protocol], ...(password ? { password } : {}) });
      clients.push(cp);
      await cp.connect();
      const boot = protocol === 'ocpp1.6'
        ? await cp.call('BootNotification', { chargePointVendor: 'ocpp-rpc', chargePointModel: 'dm' })
        : await cp.call('BootNotification', { reason: 'PowerUp', chargingStation: { vendorName: 'ocpp-rpc', model: 'dm' } });
      assert.equal(boot.status, 'Accepted');
      return cp;
    }

    const command = (id: string, action: string, body: unknown) => s.api('POST', `/api/v1/stations/${id}/commands/${action}`, body);
    const now = () => new Date().toISOString();

    for (const [id, version] of VERSIONS) {
      describe(version, () => {
        // eslint-disable-next-line @typescript-eslint/no-explicit-any
        let cp: any;
        before(async () => {
          cp = await connect(id, version);
        });

        it('B07/B08: GetBaseReport, NotifyReport in two parts, device model browsable; a new full inventory drops what is gone', async () => {
          const evse = { name: 'EVSE', evse: { id: 1 } };
          const part0 = [
            {
              component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' },
              variableAttribute: [{ type: 'Actual', value: '300', mutability: 'ReadWrite', persistent: true, constant: false }],
              variableCharacteristics: { unit: 's', dataType: 'integer', minLimit: 1, maxLimit: 86400, supportsMonitoring: false },
            },
            {
              component: evse, variable: { name: 'Power' },
              variableAttribute: [{ type: 'Actual', value: '0', mutability: 'ReadOnly' }, { type: 'MaxSet', value: '22000', mutability: 'ReadOnly' }],
              variableCharacteristics: { unit: 'W', dataType: 'decimal', maxLimit: 22000, supportsMonitoring: true },
            },
          ];
          const part1 = [
            {
              component: { name: 'Connector', evse: { id: 1, connectorId: 1 } }, variable: { name: 'ConnectorType' },
              variableAttribute: [{ value: 'cType2', mutability: 'ReadOnly' }],
              variableCharacteristics: { dataType: 'string', supportsMonitoring: false },
            },
            {
              component: { name: 'SecurityCtrlr' }, variable: { name: 'BasicAuthPassword' },
              variableAttribute: [{ mutability: 'WriteOnly' }],
              variableCharacteristics: { dataType: 'string', maxLimit: 40, supportsMonitoring: false },
            },
            {
              component: { name: 'Controller', instance: 'Main' }, variable: { name: 'Temperature', instance: 'Board' },
              variableAttribute: [{ value: '41.5' }],
              variableCharacteristics: { unit: 'Celsius', dataType: 'decimal', supportsMonitoring: true },
            },
          ];
          cp.handle('GetBaseReport', ({ params }: { params: { requestId: number } }) => {
            afterReply(async () => {
              await cp.call('NotifyReport', { requestId: params.requestId, generatedAt: now(), seqNo: 0, tbc: true, reportData: part0 });
              await cp.call('NotifyReport', { requestId: params.requestId, generatedAt: now(), seqNo: 1, reportData: part1 });
            });
            return { status: 'Accepted' };
          });

          const r = await command(id, 'GetBaseReport', { requestId: 7, reportBase: 'FullInventory' });
          assert.deepEqual([r.status, r.body], [200, { response: { status: 'Accepted' } }]);
          const report = await eventually(async () => {
            const l = await s.api('GET', `/api/v1/stations/${id}/device-model/reports`);
            return l.body.items.find((x: { requestId: number; status: string }) => x.requestId === 7 && x.status === 'Complete');
          }, 5000, 'report complete');
          assert.deepEqual([report.kind, report.parts, report.responseStatus, report.request.reportBase], ['GetBaseReport', 2, 'Accepted', 'FullInventory']);

          const all = (await s.api('GET', `/api/v1/stations/${id}/device-model`)).body;
          assert.equal(all.total, 5);
          const hb = all.items.find((x: { variable: { name: string } }) => x.variable.name === 'HeartbeatInterval');
          assert.deepEqual(hb.component, { name: 'OCPPCommCtrlr', instance: null, evse: null });
          assert.deepEqual(hb.attributes.map((a: Record<string, unknown>) => [a.type, a.value, a.mutability, a.persistent, a.constant, a.source]), [
            ['Actual', '300', 'ReadWrite', true, false, 'report'],
          ]);
          assert.deepEqual(hb.characteristics, { unit: 's', dataType: 'integer', minLimit: 1, maxLimit: 86400, maxElements: null, valuesList: null, supportsMonitoring: false });

          const power = (await s.api('GET', `/api/v1/stations/${id}/device-model?component=EVSE&evseId=1`)).body;
          assert.equal(power.total, 1);
          assert.deepEqual(power.items[0].component.evse, { id: 1, connectorId: null });
          assert.deepEqual(power.items[0].attributes.map((a: { type: string; value: string }) => [a.type, a.value]), [['Actual', '0'], ['MaxSet', '22000']]);
          const temp = (await s.api('GET', `/api/v1/stations/${id}/device-model?variable=Temperature`)).body.items[0];
          assert.deepEqual([temp.component.instance, temp.variable.instance, temp.attributes[0].value], ['Main', 'Board', '41.5']);
          const connector = (await s.api('GET', `/api/v1/stations/${id}/device-model?component=Connector`)).body.items[0];
          assert.deepEqual([connector.component.evse, connector.attributes[0].type], [{ id: 1, connectorId: 1 }, 'Actual']);
          const paged = (await s.api('GET', `/api/v1/stations/${id}/device-model?limit=2&offset=4`)).body;
          assert.deepEqual([paged.total, paged.items.length], [5, 1]);

          const components = (await s.api('GET', `/api/v1/stations/${id}/device-model/components`)).body;
          assert.deepEqual(components.items.map((c: { component: { name: string }; variables: number }) => [c.component.name, c.variables]), [
            ['Connector', 1], ['Controller', 1], ['EVSE', 1], ['OCPPCommCtrlr', 1], ['SecurityCtrlr', 1],
          ]);

          // A later full inventory without the controller: the stored model follows the station.
          cp.handle('GetBaseReport', ({ params }: { params: { requestId: number } }) => {
            afterReply(() => cp.call('NotifyReport', { requestId: params.requestId, generatedAt: now(), seqNo: 0, reportData: [...part0, ...part1.slice(0, 2)] }));
            return { status: 'Accepted' };
          });
          assert.equal((await command(id, 'GetBaseReport', { requestId: 8, reportBase: 'FullInventory' })).status, 200);
          await eventually(async () => (await s.api('GET', `/api/v1/stations/${id}/device-model`)).body.total === 4, 5000, 'pruned model');

          // A refused report is listed with the charger's answer.
          cp.handle('GetReport', () => ({ status: 'NotSupported' }));
          assert.equal((await command(id, 'GetReport', { requestId: 9, componentCriteria: ['Problem'] })).status, 200);
          const refused = (await s.api('GET', `/api/v1/stations/${id}/device-model/reports`)).body.items.find((x: { requestId: number }) => x.requestId === 9);
          assert.deepEqual([refused.kind, refused.status], ['GetReport', 'NotSupported']);
        });

        it('B05: SetVariables through the API stores accepted values (RebootRequired flagged, Rejected not)', async () => {
          cp.handle('SetVariables', ({ params }: { params: { setVariableData: { component: unknown; variable: { name: string }; attributeType?: string }[] } }) => ({
            setVariableResult: params.setVariableData.map((d) => ({
              component: d.component, variable: d.variable, ...(d.attributeType ? { attributeType: d.attributeType } : {}),
              attributeStatus: d.variable.name === 'HeartbeatInterval' ? 'Accepted' : d.variable.name === 'Power' ? 'RebootRequired' : 'Rejected',
            })),
          }));
          const r = await command(id, 'SetVariables', {
            setVariableData: [
              { component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' }, attributeValue: '120' },
              { component: { name: 'EVSE', evse: { id: 1 } }, variable: { name: 'Power' }, attributeType: 'MaxSet', attributeValue: '11000' },
              { component: { name: 'Connector', evse: { id: 1, connectorId: 1 } }, variable: { name: 'ConnectorType' }, attributeValue: 'cCCS2' },
            ],
          });
          assert.equal(r.status, 200);
          assert.deepEqual(r.body.response.setVariableResult.map((x: { attributeStatus: string }) => x.attributeStatus), ['Accepted', 'RebootRequired', 'Rejected']);
          const hb = (await s.api('GET', `/api/v1/stations/${id}/device-model?variable=HeartbeatInterval`)).body.items[0];
          assert.deepEqual([hb.attributes[0].value, hb.attributes[0].source, hb.attributes[0].rebootRequired, hb.attributes[0].mutability], ['120', 'set', false, 'ReadWrite']);
          assert.equal(hb.characteristics.unit, 's');
          const power = (await s.api('GET', `/api/v1/stations/${id}/device-model?variable=Power`)).body.items[0];
          const maxSet = power.attributes.find((a: { type: string }) => a.type === 'MaxSet');
          assert.deepEqual([maxSet.value, maxSet.rebootRequired], ['11000', true]);
          assert.equal(power.attributes.find((a: { type: string }) => a.type === 'Actual').value, '0');
          const conn = (await s.api('GET', `/api/v1/stations/${id}/device-model?component=Connector`)).body.items[0];
          assert.equal(conn.attributes[0].value, 'cType2');
        });

        it('B06: GetVariables replies are stored, also for variables no report listed', async () => {
          cp.handle('GetVariables', ({ params }: { params: { getVariableData: { component: unknown; variable: { name: string } }[] } }) => ({
            getVariableResult: params.getVariableData.map((d) => d.variable.name === 'Unknown'
              ? { component: d.component, variable: d.variable, attributeStatus: 'UnknownVariable' }
              : { component: d.component, variable: d.variable, attributeStatus: 'Accepted', attributeValue: d.variable.name === 'HeartbeatInterval' ? '90' : 'true' }),
          }));
          const r = await command(id, 'GetVariables', {
            getVariableData: [
              { component: { name: 'OCPPCommCtrlr' }, variable: { name: 'HeartbeatInterval' } },
              { component: { name: 'AuthCtrlr' }, variable: { name: 'Enabled' } },
              { component: { name: 'AuthCtrlr' }, variable: { name: 'Unknown' } },
            ],
          });
          assert.equal(r.status, 200);
          const hb = (await s.api('GET', `/api/v1/stations/${id}/device-model?variable=HeartbeatInterval`)).body.items[0];
          assert.deepEqual([hb.attributes[0].value, hb.attributes[0].source], ['90', 'get']);
          const auth = (await s.api('GET', `/api/v1/stations/${id}/device-model?component=AuthCtrlr`)).body;
          assert.equal(auth.total, 1);
          assert.deepEqual([auth.items[0].variable.name, auth.items[0].attributes[0].value, auth.items[0].characteristics], ['Enabled', 'true', null]);
        });

        it('N07/N08: NotifyEvent is stored once and listed newest first', async () => {
          const t1 = new Date(Date.now() - 60_000).toISOString();
          const t2 = new Date(Date.now() - 30_000).toISOString();
          const events = {
            generatedAt: now(), seqNo: 0,
            eventData: [
              {
                eventId: 1, timestamp: t1, trigger: 'Alerting', actualValue: '85', techCode: 'OVERHEAT', techInfo: 'board sensor', cleared: false,
                component: { name: 'Controller', instance: 'Main' }, variable: { name: 'Temperature', instance: 'Board' },
                variableMonitoringId: 3, eventNotificationType: 'CustomMonitor',
              },
              {
                eventId: 2, timestamp: t2, trigger: 'Delta', actualValue: 'Faulted', cause: 1, transactionId: 'tx-1',
                component: { name: 'Connector', evse: { id: 1, connectorId: 1 } }, variable: { name: 'AvailabilityState' },
                eventNotificationType: 'HardWiredNotification',
              },
            ],
          };
          assert.deepEqual(await cp.call('NotifyEvent', events), {});
          await cp.call('NotifyEvent', events); // retried: stored once
          const list = (await s.api('GET', `/api/v1/stations/${id}/events`)).body;
          assert.equal(list.total, 2);
          assert.deepEqual(list.items.map((e: { eventId: number }) => e.eventId), [2, 1]);
          const [delta, alert] = list.items;
          assert.deepEqual([delta.component.evse, delta.cause, delta.transactionId, delta.cleared, delta.eventNotificationType], [{ id: 1, connectorId: 1 }, 1, 'tx-1', null, 'HardWiredNotification']);
          assert.deepEqual(
            [alert.timestamp, alert.actualValue, alert.techCode, alert.techInfo, alert.cleared, alert.variableMonitoringId, alert.component.instance, alert.variable.instance],
            [t1, '85', 'OVERHEAT', 'board sensor', false, 3, 'Main', 'Board'],
          );
          const alerting = (await s.api('GET', `/api/v1/stations/${id}/events?trigger=Alerting`)).body;
          assert.deepEqual(alerting.items.map((e: { eventId: number }) => e.eventId), [1]);
          const byComponent = (await s.api('GET', `/api/v1/stations/${id}/events?component=Connector&limit=1`)).body;
          assert.deepEqual([byComponent.total, byComponent.items[0].eventId], [1, 2]);
        });

        it('N02-N06: monitors reported, set, cleared; monitoring base and level', async () => {
          const extra = version === 'ocpp2.1' ? { eventNotificationType: 'PreconfiguredMonitor' } : {};
          cp.handle('GetMonitoringReport', ({ params }: { params: { requestId: number } }) => {
            afterReply(async () => {
              await cp.call('NotifyMonitoringReport', {
                requestId: params.requestId, generatedAt: now(), seqNo: 0, tbc: true,
                monitor: [{ component: { name: 'Controller', instance: 'Main' }, variable: { name: 'Temperature', instance: 'Board' },
                  variableMonitoring: [{ id: 1, transaction: false, value: 80, type: 'UpperThreshold', severity: 2, ...extra }] }],
              });
              await cp.call('NotifyMonitoringReport', {
                requestId: params.requestId, generatedAt: now(), seqNo: 1,
                monitor: [{ component: { name: 'EVSE', evse: { id: 1 } }, variable: { name: 'Power' },
                  variableMonitoring: [{ id: 2, transaction: true, value: 1000, type: 'Delta', severity: 5, ...extra }] }],
              });
            });
            return { status: 'Accepted' };
          });
          assert.equal((await command(id, 'GetMonitoringReport', { requestId: 21 })).status, 200);
          const reported = await eventually(async () => {
            const m = (await s.api('GET', `/api/v1/stations/${id}/monitors`)).body;
            return m.total === 2 ? m : undefined;
          }, 5000, 'monitoring report');
          assert.deepEqual(reported.items.map((m: Record<string, unknown>) => [m.id, m.type, m.value, m.severity, m.transaction, m.source]), [
            [1, 'UpperThreshold', 80, 2, false, 'report'], [2, 'Delta', 1000, 5, true, 'report'],
          ]);
          assert.equal(reported.items[0].eventNotificationType, version === 'ocpp2.1' ? 'PreconfiguredMonitor' : null);

          let nextId = 100;
          cp.handle('SetVariableMonitoring', ({ params }: { params: { setMonitoringData: Record<string, unknown>[] } }) => ({
            setMonitoringResult: params.setMonitoringData.map((d) => ({
              ...(d.severity === 9 ? { status: 'Rejected' } : { status: 'Accepted', id: nextId++ }),
              type: d.type, severity: d.severity, component: d.component, variable: d.variable,
            })),
          }));
          const set = await command(id, 'SetVariableMonitoring', {
            setMonitoringData: [
              { value: 60, type: 'UpperThreshold', severity: 3, transaction: true, component: { name: 'Controller', instance: 'Main' }, variable: { name: 'Temperature', instance: 'Board' } },
              { value: 1, type: 'Periodic', severity: 9, component: { name: 'EVSE', evse: { id: 1 } }, variable: { name: 'Power' } },
            ],
          });
          assert.equal(set.status, 200);
          const withSet = (await s.api('GET', `/api/v1/stations/${id}/monitors?component=Controller`)).body;
          assert.deepEqual(withSet.items.map((m: Record<string, unknown>) => [m.id, m.value, m.severity, m.transaction, m.source]), [
            [1, 80, 2, false, 'report'], [100, 60, 3, true, 'set'],
          ]);
          assert.deepEqual(withSet.items[1].variable, { name: 'Temperature', instance: 'Board' });

          cp.handle('ClearVariableMonitoring', ({ params }: { params: { id: number[] } }) => ({
            clearMonitoringResult: params.id.map((i) => ({ id: i, status: i === 2 ? 'Rejected' : i === 999 ? 'NotFound' : 'Accepted' })),
          }));
          assert.equal((await command(id, 'ClearVariableMonitoring', { id: [1, 2, 999] })).status, 200);
          const cleared = (await s.api('GET', `/api/v1/stations/${id}/monitors`)).body;
          assert.deepEqual(cleared.items.map((m: { id: number }) => m.id), [2, 100]);

          cp.handle('SetMonitoringLevel', () => ({ status: 'Accepted' }));
          cp.handle('SetMonitoringBase', () => ({ status: 'Accepted' }));
          assert.equal((await command(id, 'SetMonitoringLevel', { severity: 4 })).status, 200);
          assert.equal((await command(id, 'SetMonitoringBase', { monitoringBase: 'HardWiredOnly' })).status, 200);
          const based = (await s.api('GET', `/api/v1/stations/${id}/monitors`)).body;
          assert.deepEqual([based.monitoringBase, based.monitoringLevel, based.items.map((m: { id: number }) => m.id)], ['HardWiredOnly', 4, [2]]);

          // A whole-station report replaces the list.
          cp.handle('GetMonitoringReport', ({ params }: { params: { requestId: number } }) => {
            afterReply(() => cp.call('NotifyMonitoringReport', {
              requestId: params.requestId, generatedAt: now(), seqNo: 0,
              monitor: [{ component: { name: 'EVSE', evse: { id: 1 } }, variable: { name: 'Power' },
                variableMonitoring: [{ id: 7, transaction: false, value: 500, type: 'Delta', severity: 6, ...extra }] }],
            }));
            return { status: 'Accepted' };
          });
          assert.equal((await command(id, 'GetMonitoringReport', { requestId: 22 })).status, 200);
          await eventually(async () => {
            const ids = (await s.api('GET', `/api/v1/stations/${id}/monitors`)).body.items.map((m: { id: number }) => m.id);
            return ids.length === 1 && ids[0] === 7;
          }, 5000, 'monitor list replaced');
        });

        it('N09/N10: customer information chunks stored per request', async () => {
          cp.handle('CustomerInformation', ({ params }: { params: { requestId: number; report: boolean } }) => {
            if (params.report) {
              afterReply(async () => {
                await cp.call('NotifyCustomerInformation', { requestId: params.requestId, generatedAt: now(), seqNo: 0, tbc: true, data: 'idToken=ABC;' });
                await cp.call('NotifyCustomerInformation', { requestId: params.requestId, generatedAt: now(), seqNo: 1, data: 'sessions=3' });
              });
            }
            return { status: 'Accepted' };
          });
          const r = await command(id, 'CustomerInformation', { requestId: 31, report: true, clear: false, customerIdentifier: 'cust-1' });
          assert.deepEqual(r.body, { response: { status: 'Accepted' } });
          const info = await eventually(async () => {
            const x = await s.api('GET', `/api/v1/stations/${id}/customer-information/31`);
            return x.body.status === 'Complete' ? x.body : undefined;
          }, 5000, 'customer information');
          assert.deepEqual([info.data, info.parts, info.chunks.map((c: { seqNo: number }) => c.seqNo), info.request.customerIdentifier], ['idToken=ABC;sessions=3', 2, [0, 1], 'cust-1']);

          // Clearing without a report gets no data: complete at once.
          assert.equal((await command(id, 'CustomerInformation', { requestId: 32, report: false, clear: true, customerIdentifier: 'cust-1' })).status, 200);
          const clear = (await s.api('GET', `/api/v1/stations/${id}/customer-information/32`)).body;
          assert.deepEqual([clear.status, clear.data], ['Complete', '']);
          const list = (await s.api('GET', `/api/v1/stations/${id}/customer-information`)).body;
          assert.deepEqual(list.items.map((x: { requestId: number }) => x.requestId).sort(), [31, 32]);
          const missing = await s.api('GET', `/api/v1/stations/${id}/customer-information/99`);
          assert.deepEqual([missing.status, missing.body.error.code], [404, 'NOT_FOUND']);
        });

        it('A01: password rotation: SetVariables BasicAuthPassword, the new password works, the old one fails', async () => {
          const pwId = `${id}-PW`;
          const first = await connect(pwId, version);
          let sent: string | undefined;
          first.handle('SetVariables', ({ params }: { params: { setVariableData: { component: unknown; variable: unknown; attributeValue: string }[] } }) => {
            sent = params.setVariableData[0]!.attributeValue;
            return { setVariableResult: params.setVariableData.map((d) => ({ component: d.component, variable: d.variable, attributeStatus: 'Accepted' })) };
          });
          const newPassword = 'second-password-0002';
          const r = await s.api('POST', `/api/v1/stations/${pwId}/password-rotation`, { password: newPassword });
          assert.equal(r.status, 200);
          assert.deepEqual(r.body, { rotated: true, ocppVersion: version, action: 'SetVariables', status: 'Accepted' });
          assert.equal(sent, newPassword);
          // The password itself is never kept in the device model.
          const stored = (await s.api('GET', `/api/v1/stations/${pwId}/device-model?variable=BasicAuthPassword`)).body.items[0];
          assert.equal(stored.attributes[0].value, null);

          await first.close({ force: true });
          const old = rpcCharger({ endpoint: s.ws, identity: pwId, protocols: [version], password: PASSWORD });
          clients.push(old);
          await assert.rejects(old.connect());
          const second = await connect(pwId, version, newPassword);

          // Generated password; a refusal keeps the current one.
          second.handle('SetVariables', ({ params }: { params: { setVariableData: { component: unknown; variable: unknown }[] } }) => ({
            setVariableResult: params.setVariableData.map((d) => ({ component: d.component, variable: d.variable, attributeStatus: 'Rejected' })),
          }));
          const refused = await s.api('POST', `/api/v1/stations/${pwId}/password-rotation`, {});
          assert.deepEqual([refused.status, refused.body.rotated, refused.body.status, refused.body.password], [200, false, 'Rejected', undefined]);
          second.handle('SetVariables', ({ params }: { params: { setVariableData: { component: unknown; variable: unknown }[] } }) => ({
            setVariableResult: params.setVariableData.map((d) => ({ component: d.component, variable: d.variable, attributeStatus: 'Accepted' })),
          }));
          const generated = await s.api('POST', `/api/v1/stations/${pwId}/password-rotation`, {});
          assert.equal(generated.status, 200);
          assert.match(generated.body.password, /^[A-Za-z0-9_-]{32}$/);
          await second.close({ force: true });
          await connect(pwId, version, generated.body.password);
        });
      });
    }

    it('A01 for OCPP 1.6: ChangeConfiguration AuthorizationKey', async () => {
      const cp = await connect('DM16', 'ocpp1.6');
      cp.handle('ChangeConfiguration', ({ params }: { params: { key: string } }) => ({ status: params.key === 'AuthorizationKey' ? 'Accepted' : 'Rejected' }));
      const r = await s.api('POST', '/api/v1/stations/DM16/password-rotation', { password: 'third-password-00003' });
      assert.deepEqual(r.body, { rotated: true, ocppVersion: 'ocpp1.6', action: 'ChangeConfiguration', status: 'Accepted' });
      await cp.close({ force: true });
      const old = rpcCharger({ endpoint: s.ws, identity: 'DM16', protocols: ['ocpp1.6'], password: PASSWORD });
      clients.push(old);
      await assert.rejects(old.connect());
      await connect('DM16', 'ocpp1.6', 'third-password-00003');
    });

    it('password rotation and device model views refuse what they cannot do', async () => {
      const offline = await s.api('POST', '/api/v1/stations/DM-OFFLINE/password-rotation', {});
      assert.deepEqual([offline.status, offline.body.error.code], [409, 'STATION_OFFLINE']);
      const short = await s.api('POST', '/api/v1/stations/DM201/password-rotation', { password: 'short' });
      assert.deepEqual([short.status, short.body.error.code], [400, 'VALIDATION_FAILED']);
      for (const path of ['device-model', 'device-model/components', 'device-model/reports', 'events', 'monitors', 'customer-information', 'customer-information/1']) {
        const r = await s.api('GET', `/api/v1/stations/NOPE/${path}`);
        assert.deepEqual([path, r.status, r.body.error.code], [path, 404, 'STATION_NOT_FOUND']);
      }
      await connect('DM-NOPW', 'ocpp2.0.1', '');
      const noPassword = await s.api('POST', '/api/v1/stations/DM-NOPW/password-rotation', {});
      assert.deepEqual([noPassword.status, noPassword.body.error.code], [400, 'VALIDATION_FAILED']);
      assert.match(noPassword.body.error.message, /security profile 0/);
      const unknown = await s.api('POST', '/api/v1/stations/NOPE/password-rotation', {});
      assert.equal(unknown.status, 404);
      const empty = (await s.api('GET', '/api/v1/stations/DM-OFFLINE/device-model')).body;
      assert.deepEqual(empty, { items: [], total: 0 });
    });
  });
}
