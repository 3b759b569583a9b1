export * from './errors.ts';
export * from './meter.ts';
export * from './mixer.ts';
