/**
 * A JSON value shown as indented text (charger replies, raw frames, configuration values).
 * @example <JsonBlock value={reply} label={t('reply')} />
 */
export function JsonBlock({ value, label }: { value: unknown; label?: string }) {
  const text = typeof value === 'string' ? value : JSON.stringify(value, null, 2);
  return <pre className="json" {...(label ? { 'aria-label': label } : {})} tabIndex={0}>{text}</pre>;
}
