// The domain's name, for the code in this folder that filters anomalies, readings and rooms by
// it. Its own file, so feeds and their tests need not load index.ts (and with it the views).
import type { Domain } from '../../../../contracts/index.ts';

export const SENSOR_DOMAIN = 'sensor' satisfies Domain;
