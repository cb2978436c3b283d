import { request } from 'node:https';
import { pino } from 'pino';
import type { Db } from '@voltlane/db';
import assert from 'node:assert/strict';
import { loadConfig } from '@voltlane/core';
import { startVoltlane, type Voltlane } from '@voltlane/cli';
import { RawCharger } from './raw-charger.js';

export const ADMIN_TOKEN = 'test-admin-token';

export interface TestServer {
  v: Voltlane;
  ws: string;
  /** Calls the API with the admin token; returns status and parsed JSON body. */
  api(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>; // eslint-disable-line @typescript-eslint/no-explicit-any
  stop(): Promise<void>;
}

/**
 * Starts an all-in-one Voltlane on a random port over the given database. With TLS settings in
 * `env`, pass `tlsCa` (PEM that signed the server certificate) for the API calls.
 */
export async function startTestServer(db: Db, env: Record<string, string> = {}, tlsCa?: string): Promise<TestServer> {
  const config = loadConfig({
    VOLTLANE_HTTP_PORT: '0',
    VOLTLANE_ADMIN_TOKEN: ADMIN_TOKEN,
    VOLTLANE_LOG_LEVEL: process.env.VOLTLANE_LOG_LEVEL ?? 'silent',
    ...env,
  });
  const v = await startVoltlane(config, { db, log: pino({ level: config.logLevel }) });
  return {
    v,
    ws: `${v.url.replace('http', 'ws')}/ocpp`,
    async api(method, path, body) {
      if (tlsCa) return httpsJson(`${v.url}${path}`, method, body, tlsCa);
      const res = await fetch(`${v.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : null };
    },
    stop: () => v.stop(),
  };
}

/** An API call over https:// trusting `ca` (fetch cannot take a CA without undici). */
function httpsJson(url: string, method: string, body: unknown, ca: string): Promise<{ status: number; body: any }> { // eslint-disable-line @typescript-eslint/no-explicit-any
  return new Promise((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string> = { authorization: `Bearer ${ADMIN_TOKEN}`, ...(data ? { 'content-type': 'application/json' } : {}) };
    const req = request(url, { method, headers, ca }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : null }));
    });
    req.on('error', reject);
    req.end(data);
  });
}

/** Polls until fn returns a truthy value (or throws after timeoutMs). */
export async function eventually<T>(fn: () => Promise<T | undefined | null | false>, timeoutMs = 5000, what = 'condition'): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** The smallest BootNotification request of an OCPP version (vendor "V", model "M"). */
export function bootRequest(version: string): Record<string, unknown> {
  return version === 'ocpp1.6'
    ? { chargePointVendor: 'V', chargePointModel: 'M' }
    : { reason: 'PowerUp', chargingStation: { vendorName: 'V', model: 'M' } };
}

/**
 * Registers station `id` with tariff `tariffId`, connects a RawCharger of `version` (which answers
 * CostUpdated) and boots it; the charger is added to `chargers` for the suite to close.
 */
export async function tariffedStation(s: TestServer, id: string, version: string, tariffId: string, chargers: RawCharger[]): Promise<RawCharger> {
  assert.equal((await s.api('POST', '/api/v1/stations', { id })).status, 201);
  assert.equal((await s.api('PUT', `/api/v1/stations/${id}/tariff`, { tariffId })).status, 200);
  const cp = await RawCharger.connect(`${s.ws}/${id}`, [version]);
  chargers.push(cp);
  cp.handle('CostUpdated', () => ({}));
  assert.equal((await cp.call('BootNotification', bootRequest(version))).status, 'Accepted');
  return cp;
}
