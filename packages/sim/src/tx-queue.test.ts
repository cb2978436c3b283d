import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RpcClosedError, RpcError } from '@voltlane/ocpp';
import { TxQueue, type TxQueueHost } from './tx-queue.js';

function host(over: Partial<TxQueueHost> = {}) {
  const sent: [string, Record<string, unknown>][] = [];
  const state = { ready: false, nextId: 100 };
  const h: TxQueueHost = {
    ready: () => state.ready,
    send: async (action, payload) => {
      sent.push([action, payload]);
      return action === 'StartTransaction' ? { transactionId: state.nextId++, idTagInfo: { status: 'Accepted' } } : {};
    },
    started: () => undefined,
    retryPolicy: () => ({ attempts: 2, intervalMs: 1 }),
    log: () => undefined,
    ...over,
  };
  return { h, sent, state };
}

describe('TxQueue', () => {
  it('holds messages while offline and replays them in order with real ids', async () => {
    const { h, sent, state } = host();
    const q = new TxQueue(h);
    q.push({ action: 'StartTransaction', payload: { connectorId: 1, timestamp: 't1' }, localId: -1 });
    q.push({ action: 'MeterValues', payload: { connectorId: 1, transactionId: -1 } });
    q.push({ action: 'StopTransaction', payload: { transactionId: -1, timestamp: 't3' } });
    assert.equal(q.length, 3);
    assert.equal(sent.length, 0);
    state.ready = true;
    await q.flush();
    assert.deepEqual(sent, [
      ['StartTransaction', { connectorId: 1, timestamp: 't1' }],
      ['MeterValues', { connectorId: 1, transactionId: 100 }],
      ['StopTransaction', { transactionId: 100, timestamp: 't3' }],
    ]);
    assert.equal(q.length, 0);
  });

  it('keeps a message whose connection closed, and retries then drops one the CSMS refuses', async () => {
    let fail: Error | undefined = new RpcClosedError('MeterValues');
    const { h, sent, state } = host({
      send: async (action, payload) => {
        sent.push([action, payload]);
        if (fail) throw fail;
        return {};
      },
    });
    state.ready = true;
    const q = new TxQueue(h);
    const reply = q.send({ action: 'MeterValues', payload: { connectorId: 1 } });
    await q.flush();
    assert.equal(q.length, 1, 'kept for the next connection');
    fail = new RpcError('InternalError', 'boom');
    await q.flush();
    await assert.rejects(reply, /boom/);
    assert.equal(q.length, 0);
    assert.equal(sent.length, 3, 'one send + two attempts');
  });

  it('drops a StopTransaction whose transaction never got an id', async () => {
    const { h, sent, state } = host();
    state.ready = true;
    const q = new TxQueue(h);
    await assert.rejects(q.send({ action: 'StopTransaction', payload: { transactionId: -7 } }), /no id/);
    assert.equal(sent.length, 0);
  });
});
