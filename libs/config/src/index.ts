// The environment reading the apps share, by name.
export type { ConfigVariable } from './config-variable.interface';
export { EnvReader, type Env } from './env-reader';
export { readKafkaBrokers, readKafkaSasl, readTopicName, type KafkaVariableName } from './kafka-env';
export { ConfigProblems, configErrorMessage, type ConfigProblem } from './config-problems';
export { settingsOrExit } from './settings-or-exit';
