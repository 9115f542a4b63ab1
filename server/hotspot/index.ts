/** Hotspot statistics: spatial weights, Getis–Ord Gi*, FDR classes and emerging hot spots. Pure, no I/O. */
export * from './spatialWeights.js';
export * from './getisOrd.js';
export * from './falseDiscovery.js';
export * from './emergingHotspots.js';
export { normalTwoSidedP, normalUpperTail } from './normal.js';
