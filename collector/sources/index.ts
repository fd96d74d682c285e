export type { Source, SourceBatch, SourceDeps } from '../source';
export { SOURCES, createSources, sourceSectionSchemas, type SourceSettings } from './registry';
export { defineSource, type SourceKind, type SourceKindDeps } from './kind';
