import { PRESENCE_CONFIG_VARIABLES } from '../../apps/presence/src/config/config-variables';
import { RECONCILER_CONFIG_VARIABLES } from '../../apps/reconciler/src/config/config-variables';
import { CONFIG_VARIABLES } from '../../apps/relay/src/config/config-variables';

/** A variable as an app declares it in apps/<app>/src/config/config-variables.ts. */
export interface DeclaredVariable {
  name: string;
  required?: boolean;
}

/** The variables each app reads, by the name its container or service has in the deploy files. */
export const APP_CONFIG_VARIABLES: Readonly<Record<string, readonly DeclaredVariable[]>> = {
  relay: CONFIG_VARIABLES,
  presence: PRESENCE_CONFIG_VARIABLES,
  reconciler: RECONCILER_CONFIG_VARIABLES,
};

/** What an environment (a manifest's `env`, a compose service's `environment`) sets, against what the app reads. */
export interface EnvironmentCheck {
  /** Set, but read by no one: a typo or a setting that does nothing. */
  unknown: string[];
  /** Set more than once. */
  repeated: string[];
  /** Required by the app, and not set: it would not start. */
  missingRequired: string[];
}

/** Compares the names an environment sets with the variables the app declares. */
export function checkEnvironment(names: readonly string[], variables: readonly DeclaredVariable[]): EnvironmentCheck {
  const declared = new Set(variables.map((variable) => variable.name));
  return {
    unknown: names.filter((name) => !declared.has(name)),
    repeated: names.filter((name, index) => names.indexOf(name) !== index),
    missingRequired: variables.filter((variable) => variable.required === true && !names.includes(variable.name)).map((variable) => variable.name),
  };
}
