// The domain model in one import.
export * from './codes.js';
export * from './primitives.js';
export * from './specialty.js';
export * from './expert.js';
export * from './project.js';
export * from './policy.js';
export * from './request.js';
