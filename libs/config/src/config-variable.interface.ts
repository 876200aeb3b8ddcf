/** One environment variable an app reads: the single source of its documentation too. */
export interface ConfigVariable {
  name: string;
  /** Default as written in the environment; absent when required or optional without default. */
  default?: string;
  required?: boolean;
  /** Human description, as shown in the README's configuration table. */
  description: string;
  /** Never logged or echoed. */
  secret?: boolean;
}
