export * from './schema';
export * from './errors';
export * from './load';
export * from './checks';
export * from './units';
export { isCidr } from './sections/common';
export * from './slo';
