// Types for the frameloom browser engine. Times and durations are in seconds.

/** Container formats the engine reads. */
export type ContainerFormat = 'mp4' | 'mov' | 'webm' | 'matroska';

/** Stable error codes carried by {@link FrameloomError}. */
export type ErrorCode =
  // From the wasm core (reading the file):
  | 'io'
  | 'empty_file'
  | 'unknown_format'
  | 'truncated'
  | 'missing_index'
  | 'malformed'
  | 'unsupported'
  | 'limit_exceeded'
  | 'no_tracks'
  // From the JS layer and the worker:
  | 'invalid_argument'
  | 'wasm_init_failed'
  | 'worker_failed'
  | 'not_ready'
  | 'terminated'
  | 'internal';

/** Video-specific track facts. */
export interface VideoInfo {
  /** Coded width in pixels (before rotation). */
  width: number;
  /** Coded height in pixels (before rotation). */
  height: number;
  /** Clockwise display rotation in degrees. */
  rotation: 0 | 90 | 180 | 270;
  /** Average frames per second, when the track has frames with durations. */
  frameRate: number | null;
  /** True when frame durations vary (variable frame rate). */
  variableFrameRate: boolean;
}

/** Audio-specific track facts. */
export interface AudioInfo {
  /** Samples per second. */
  sampleRate: number;
  /** Channel count. */
  channels: number;
}

/** One audio or video track of a probed file. */
export interface TrackInfo {
  /** The container's track id (MP4 track_ID, Matroska TrackNumber). */
  id: number;
  /** Audio or video. */
  kind: 'video' | 'audio';
  /** Codec string in WebCodecs form, e.g. `avc1.64001f`, `vp09.00.10.08`, `mp4a.40.2`, `opus`. */
  codec: string;
  /** WebCodecs decoder `description` (avcC/hvcC record, AudioSpecificConfig, OpusHead), or `null` when the codec needs none. */
  description: Uint8Array | null;
  /** The container's ticks per second for this track. */
  timescale: number;
  /** Presentation duration in seconds (after edit lists), when known. */
  duration: number | null;
  /** Number of samples, when known without reading the whole file. */
  sampleCount: number | null;
  /** Present for video tracks. */
  video?: VideoInfo;
  /** Present for audio tracks. */
  audio?: AudioInfo;
  /** Presentation times of keyframes in seconds, ascending (video tracks). */
  keyframes: number[];
  /** True when this browser's WebCodecs reports it can decode the track. */
  decodableHere: boolean;
}

/** Everything a probe learns about a file without decoding it. */
export interface ProbeInfo {
  /** The container format. */
  container: ContainerFormat;
  /** File size in bytes. */
  size: number;
  /** Longest track duration in seconds, when known. */
  duration: number | null;
  /** True for fragmented MP4 and for Matroska written live (no cues or unknown sizes). */
  streamable: boolean;
  /** The audio and video tracks, in file order. */
  tracks: TrackInfo[];
  /** True when the file has tracks and this browser can decode every one of them. */
  decodableHere: boolean;
}

/** Options for {@link Engine.create}. */
export interface EngineOptions {
  /** URL of `worker.js`; defaults to the one next to this module. */
  workerUrl?: string | URL;
  /** URL of `frameloom_bg.wasm`; defaults to `./wasm/frameloom_bg.wasm` next to this module. */
  wasmUrl?: string | URL;
  /** Base URL of a frameloom render server, kept on {@link Engine.server}. */
  server?: string | URL;
}

/** An error reported by the engine, with a stable machine-readable `code`. */
export class FrameloomError extends Error {
  constructor(code: ErrorCode, message: string);
  /** The stable error code. */
  readonly code: ErrorCode;
  readonly name: 'FrameloomError';
}

/** A frameloom engine: one dedicated worker running the wasm core. */
export class Engine {
  /** Starts the worker and loads the wasm; rejects with a {@link FrameloomError} (`worker_failed`, `wasm_init_failed`) if either fails. */
  static create(options?: EngineOptions): Promise<Engine>;
  /** Base URL of a frameloom render server, or `null` when none was given. */
  readonly server: string | null;
  /** Reads the container headers of a `File` or `Blob`; rejects with a {@link FrameloomError} (e.g. `unknown_format`, `truncated`). */
  probe(blob: Blob): Promise<ProbeInfo>;
  /** Stops the worker; pending and later calls reject with code `terminated`. */
  terminate(): void;
}
