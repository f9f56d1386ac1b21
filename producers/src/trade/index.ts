export { createTradeSimulation, type TradeSimulation, type TradeSimulationOptions } from './trade-simulation.ts';
export { SUBHEADINGS, PORTS, DESTINATIONS } from './trade-catalogue.ts';
export { STRUCTURING_THRESHOLD_USD } from './trade-anomalies.ts';
