import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseOptions, type BenchOptions } from './args.js';

const parse = (...argv: string[]) => parseOptions(argv, {}) as BenchOptions;

test('defaults depend on the mode: load/idle keep PGlite, the issue-4 modes use PostgreSQL', () => {
  assert.equal(parse().mode, 'load');
  assert.equal(parse().db, 'pglite');
  assert.equal(parse().stations, 1000);
  assert.equal(parse('--mode', 'idle').stations, 10_000);
  const storm = parse('--mode', 'boot-storm');
  assert.equal(storm.db, 'postgres');
  assert.equal(storm.stations, 10_000);
  assert.equal(storm.timeoutSec, 60);
  assert.equal(storm.register, true);
  assert.equal(parse('--mode', 'boot-storm', '--no-register').register, false);
  const cmd = parse('--mode', 'commands');
  assert.equal(cmd.rate, 500);
  assert.equal(cmd.command, 'GetConfiguration');
  assert.deepEqual(cmd.payload, { key: ['HeartbeatInterval'] });
});

test('the cluster target runs on PostgreSQL with 2 gateways and 2 workers unless told otherwise', () => {
  const c = parse('--target', 'cluster');
  assert.equal(c.db, 'postgres');
  assert.equal(c.gateways, 2);
  assert.equal(c.workers, 2);
  assert.equal(c.amqpUrl, 'amqp://guest:guest@127.0.0.1:5672');
  assert.equal((parseOptions(['--target', 'cluster'], { VOLTLANE_BUS_URL: 'amqp://u:p@mq:5672' }) as BenchOptions).amqpUrl, 'amqp://u:p@mq:5672');
  assert.equal(parse('--target', 'cluster', '--gateways', '1', '--workers', '3').workers, 3);
  assert.throws(() => parse('--target', 'cluster', '--db', 'pglite'), /--target cluster needs --db postgres/);
});

test('bad options are refused with a message naming the option', () => {
  assert.throws(() => parse('--mode', 'storm'), /--mode must be load or idle or boot-storm or commands/);
  assert.throws(() => parse('--target', 'k8s'), /--target must be all-in-one or cluster/);
  assert.throws(() => parse('--stations', '0'), /--stations must be a number >= 1/);
  assert.throws(() => parse('--rate', 'fast'), /--rate must be a number/);
  assert.throws(() => parse('--payload', '{nope'), /--payload must be JSON/);
  assert.throws(() => parse('--payload', '[1]'), /--payload must be a JSON object/);
  assert.throws(() => parse('--command', '../x'), /--command must be an OCPP action name/);
  assert.throws(() => parse('--frobnicate'), /Unknown option/);
  assert.equal(parseOptions(['-h'], {}), 'help');
});
