import { z } from 'zod';

/** A time as the API writes it: `Date.toISOString()`, always UTC. */
export const timestamp = z.iso.datetime();

/** A time, or `null` while it has not happened. */
export const nullableTimestamp = timestamp.nullable();

/** A whole number (bytes, pixels, counts). */
export const wholeNumber = z.number().int();

/** A JSON object whose keys the contract does not fix (a model's input, a JSON Schema). */
export const jsonObject = z.record(z.string(), z.unknown());

/** Which balance a key spends: test keys never reach an upstream. */
export const Environment = z.enum(['test', 'live']);

/** What a model makes. */
export const ModelType = z.enum(['video', 'image', 'audio']);

/** The kind of a media file or slot. */
export const MediaKind = z.enum(['image', 'video', 'audio']);

/** `{code, message}`: a generation's error, a warning. */
export const CodeMessage = z.strictObject({ code: z.string(), message: z.string() });
