// Public surface of the pure sensor simulation (no I/O; the producer publishes its output).
export { createGasNetwork, GasNetworkOptionsError } from './gas-network.ts';
export type { GasNetworkOptions, GasNetworkSimulation } from './gas-network.ts';
export { GAS_CHANNELS, stationId } from './station-specs.ts';
export type { GasChannel, StationSpec } from './station-specs.ts';
export { FAULT_PROFILE } from './faults.ts';
