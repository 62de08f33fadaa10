export * from './limits.js';
export * from './plan.js';
