import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RpcEndpoint, type CallHandler } from './rpc.js';
import { RpcError, RpcInvalidResponseError, RpcTimeoutError } from './errors.js';

function csms(onCall: CallHandler = () => ({}), callTimeoutMs = 1000) {
  const sent: unknown[][] = [];
  const rpc = new RpcEndpoint({
    version: 'ocpp1.6',
    role: 'csms',
    send: (t) => sent.push(JSON.parse(t) as unknown[]),
    onCall,
    callTimeoutMs,
  });
  return { rpc, sent };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('RpcEndpoint (CSMS side, 1.6)', () => {
  it('answers a valid call with the handler result', async () => {
    const { rpc, sent } = csms(() => ({ currentTime: '2024-01-01T00:00:00.000Z' }));
    rpc.receive('[2,"a1","Heartbeat",{}]');
    await rpc.drained();
    assert.deepEqual(sent, [[3, 'a1', { currentTime: '2024-01-01T00:00:00.000Z' }]]);
  });

  it('answers invalid JSON with FormationViolation and id -1', async () => {
    const { rpc, sent } = csms();
    rpc.receive('[2,"a1","Heartbeat",{');
    assert.equal(sent[0]![0], 4);
    assert.equal(sent[0]![1], '-1');
    assert.equal(sent[0]![2], 'FormationViolation');
  });

  it('answers a numeric message id, a missing payload and an unknown message type', async () => {
    const { rpc, sent } = csms();
    rpc.receive('[2,17,"Heartbeat",{}]');
    rpc.receive('[2,"b","Heartbeat"]');
    rpc.receive('[7,"c","Heartbeat",{}]');
    assert.deepEqual(
      sent.map((f) => [f[1], f[2]]),
      [
        ['17', 'FormationViolation'],
        ['b', 'FormationViolation'],
        ['c', 'FormationViolation'],
      ],
    );
  });

  it('maps schema violations to the 1.6 error codes and names the field', async () => {
    const { rpc, sent } = csms();
    rpc.receive('[2,"t","StatusNotification",{"connectorId":"1","errorCode":"NoError","status":"Available"}]');
    rpc.receive('[2,"r","StatusNotification",{"errorCode":"NoError","status":"Available"}]');
    rpc.receive('[2,"p","StatusNotification",{"connectorId":1,"errorCode":"NoError","status":"Sleeping"}]');
    await rpc.drained();
    assert.deepEqual(sent[0]!.slice(1, 3), ['t', 'TypeConstraintViolation']);
    assert.match(sent[0]![3] as string, /connectorId/);
    assert.deepEqual(sent[1]!.slice(1, 3), ['r', 'OccurenceConstraintViolation']);
    assert.deepEqual(sent[2]!.slice(1, 3), ['p', 'PropertyConstraintViolation']);
  });

  it('refuses unknown actions and actions of the wrong direction', async () => {
    const { rpc, sent } = csms();
    rpc.receive('[2,"u","FlyToTheMoon",{}]');
    rpc.receive('[2,"w","Reset",{"type":"Hard"}]');
    await rpc.drained();
    assert.deepEqual(sent[0]!.slice(1, 3), ['u', 'NotImplemented']);
    assert.deepEqual(sent[1]!.slice(1, 3), ['w', 'NotSupported']);
  });

  it('handles calls strictly in order even when handlers take different times', async () => {
    const order: string[] = [];
    const { rpc, sent } = csms(async (_a, _p, id) => {
      await new Promise((r) => setTimeout(r, id === 'slow' ? 30 : 1));
      order.push(id);
      return { currentTime: new Date().toISOString() };
    });
    rpc.receive('[2,"slow","Heartbeat",{}]');
    rpc.receive('[2,"fast","Heartbeat",{}]');
    await rpc.drained();
    await rpc.drained();
    assert.deepEqual(order, ['slow', 'fast']);
    assert.deepEqual(sent.map((f) => f[1]), ['slow', 'fast']);
  });

  it('turns handler failures into InternalError and RpcErrors into their code', async () => {
    const { rpc, sent } = csms((action) => {
      if (action === 'Heartbeat') throw new Error('db down');
      throw new RpcError('SecurityError', 'not accepted');
    });
    rpc.receive('[2,"h","Heartbeat",{}]');
    rpc.receive('[2,"a","Authorize",{"idTag":"X"}]');
    await rpc.drained();
    await rpc.drained();
    assert.deepEqual(sent[0]!.slice(1, 3), ['h', 'InternalError']);
    assert.deepEqual(sent[1]!.slice(1, 3), ['a', 'SecurityError']);
  });

  it('never sends an invalid response of its own', async () => {
    const { rpc, sent } = csms(() => ({ currentTime: 12 }));
    rpc.receive('[2,"h","Heartbeat",{}]');
    await rpc.drained();
    assert.deepEqual(sent[0]!.slice(1, 3), ['h', 'InternalError']);
  });

  it('keeps one outstanding call and queues the rest', async () => {
    const { rpc, sent } = csms();
    const p1 = rpc.call('Reset', { type: 'Soft' });
    const p2 = rpc.call('ClearCache', {});
    assert.equal(sent.length, 1);
    const id1 = sent[0]![1] as string;
    rpc.receive(JSON.stringify([3, id1, { status: 'Accepted' }]));
    assert.deepEqual(await p1, { status: 'Accepted' });
    await tick();
    assert.equal(sent.length, 2);
    assert.notEqual(sent[1]![1], id1);
    rpc.receive(JSON.stringify([4, sent[1]![1], 'NotSupported', 'nope', {}]));
    await assert.rejects(p2, (e) => e instanceof RpcError && e.code === 'NotSupported');
  });

  it('times out and rejects invalid replies, then moves on', async () => {
    const { rpc, sent } = csms(undefined, 20);
    const p1 = rpc.call('Reset', { type: 'Soft' });
    await assert.rejects(p1, RpcTimeoutError);
    const p2 = rpc.call('Reset', { type: 'Soft' });
    rpc.receive(JSON.stringify([3, sent[1]![1], { status: 'Maybe' }]));
    await assert.rejects(p2, RpcInvalidResponseError);
  });

  it('refuses to send an invalid request', async () => {
    const { rpc, sent } = csms();
    await assert.rejects(rpc.call('Reset', { type: 'Sideways' }), (e) => e instanceof RpcError && /type/.test(e.message));
    assert.equal(sent.length, 0);
  });

  it('answers an oversized frame by its id', () => {
    const { rpc, sent } = csms();
    rpc.receiveOversized('[2,"big","DataTransfer",{"vendorId":"x","data":"', 100_000, 65_536);
    assert.deepEqual(sent[0]!.slice(1, 3), ['big', 'FormationViolation']);
  });
});
