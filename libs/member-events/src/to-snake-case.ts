/**
 * Turns a Tencent cause such as `HeartbeatInterrupt`, `Heartbeat-Interrupt` or `KICKED`
 * into lower snake case (`heartbeat_interrupt`, `kicked`).
 */
export function toSnakeCase(value: string): string {
  return value
    .trim()
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toLowerCase();
}
