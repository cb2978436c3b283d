/** Configuration keys / device-model variables whose values are secrets (station passwords). */
const SECRET_KEYS = new Set(['AuthorizationKey', 'BasicAuthPassword']);

/** True for a 1.6 configuration key or 2.x variable name that holds a secret. */
export function isSecretKey(name: string): boolean {
  return SECRET_KEYS.has(name);
}

/**
 * A copy of a command payload fit for the command log: station passwords sent with
 * ChangeConfiguration (AuthorizationKey) or SetVariables (BasicAuthPassword) are masked.
 * @example redact('ChangeConfiguration', { key: 'AuthorizationKey', value: 's3cret' }) // value: '***'
 */
export function redact(action: string, payload: Record<string, unknown>): Record<string, unknown> {
  if (action === 'ChangeConfiguration' && isSecretKey(String(payload.key))) return { ...payload, value: '***' };
  if (action === 'SetVariables' && Array.isArray(payload.setVariableData)) {
    return {
      ...payload,
      setVariableData: payload.setVariableData.map((d: { variable?: { name?: string } }) =>
        d.variable?.name && isSecretKey(d.variable.name) ? { ...d, attributeValue: '***' } : d,
      ),
    };
  }
  return payload;
}
