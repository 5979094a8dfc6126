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
  // From rendering:
  | 'invalid_project'
  | 'missing_file'
  | 'corrupt_source'
  | 'codec_unsupported'
  | 'decode_failed'
  | 'encode_failed'
  | 'target_size_unreachable'
  | 'output_failed'
  | 'overlay_failed'
  // From the server route:
  | 'server_unavailable'
  | 'server_busy'
  | 'server_failed'
  // From the JS layer and the worker:
  | 'invalid_argument'
  | 'wasm_init_failed'
  | 'font_unavailable'
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
  /** A frameloom render server (URL, or URL and API key); its URL is kept on {@link Engine.server}. */
  server?: string | URL | ServerOptions;
  /** `auto` keeps a job in the browser while its estimate is at most this many times the server's (default 1.5). */
  clientBias?: number;
}

/** A render server for the `server` and `auto` routes. */
export interface ServerOptions {
  /** Base URL of the server, e.g. `https://render.example.com`. */
  url: string | URL;
  /** Sent as `Authorization: Bearer KEY`. */
  apiKey?: string;
  /** Bytes per tus upload request (default 8 MiB). */
  chunkSize?: number;
}

/** Where a render runs. `auto` picks the side that finishes soonest (see {@link Engine.estimate}). */
export type Route = 'auto' | 'client' | 'server';

/**
 * A stage of a render, as reported by progress events: `probe` (reading the sources' headers),
 * `decode` (opening a segment's decoders and decoding from its keyframe to its first frame),
 * `render` (frames decoded, composited and encoded), `encode` (flushing the encoders), `mux`
 * (finishing the file); `upload` and `server` belong to server renders.
 */
export type RenderStage = 'probe' | 'decode' | 'render' | 'encode' | 'mux' | 'upload' | 'server';

/**
 * A progress event of a render. Browser renders send at most one every 100 ms per stage, but
 * each stage's first event that knows the speed (`fps` > 0, numeric `eta`) and its last held-back
 * event are always sent.
 */
export interface RenderProgress {
  /** What the engine is doing now. */
  stage: RenderStage;
  /** How much of the whole job is done, 0 to 1 (reaches 1 when the file is complete). */
  fraction: number;
  /** Output frames per second so far. */
  fps: number;
  /** Seconds left at the current speed, or `null` before it is known. */
  eta: number | null;
  /** What is happening when it is worth saying: a retry, a fallback, the server queue. */
  message?: string;
}

/** Options for {@link Engine.render}. */
export interface RenderOptions {
  /** The media files, by source id (`project.sources`): every source a video or audio layer uses. */
  files?: Record<string, Blob>;
  /** Where to render; default `auto`. */
  route?: Route;
  /** Aborting it cancels the job: codecs stop, frames are freed, and `done` rejects with an `AbortError`. */
  signal?: AbortSignal;
  /** Called with progress events while the job runs. */
  onProgress?: (event: RenderProgress) => void;
  /** `auto` (default) keeps the output's first 16 MiB in memory and writes a larger one to the origin-private file system where available (else memory); `memory` always keeps it in memory. */
  storage?: 'auto' | 'memory';
}

/** Facts about a finished render. */
export interface RenderStats {
  /** Video frames written. */
  frames: number;
  /** Wall-clock seconds the job took. */
  seconds: number;
  /** Frames per second over the whole job. */
  fps: number | null;
  /** Length of the output in seconds. */
  duration: number;
  /** The video codec string used, e.g. `avc1.64001f`; on the server route the server's encoder (e.g. `libx264`), `null` if it reports none. */
  encoder: string | null;
  /** The audio codec string used (`opus`, `mp4a.40.2`), or `null` without sound. */
  audioEncoder: string | null;
  /** Why the audio codec differs from the project's `audioCodec` (e.g. no AAC encoder in this browser), else `null`. */
  audioFallback: string | null;
  /**
   * The fast path taken: `copy` when every frame's packet was copied from the sources (no decode,
   * no encode), `smartCut` when some were (the frames around mid-GOP cuts re-encoded), else
   * `encode`. On the server route, the server's name for it (`stream-copy`, `smart-cut`, …).
   */
  fastPath: 'copy' | 'smartCut' | 'encode' | string;
  /** Per timeline segment, how it was produced: `copy`, `smartCut` or `encode` (browser renders). */
  treatments?: Array<'copy' | 'smartCut' | 'encode'>;
  /** How the sound was made: `copy` (the sources' packets copied, no audio encoder), `encode` or `none` (browser renders). */
  audio?: 'copy' | 'encode' | 'none';
  /** Why the sound was encoded (`gap`, `mixed`, `edited`, `codec-mismatch`, `parameter-mismatch`, `target-size`, `forced`), else `null`. */
  audioReason?: string | null;
  /** Why the plan's copy or smart cut was encoded instead (e.g. the browser encoder writes other SPS/PPS than the source), else `null`. */
  fastPathFallback?: string | null;
  /** Of the encoded frames: `all` went to the encoder without the canvas, `partial` some, `none` none (browser renders). */
  passthrough?: 'all' | 'partial' | 'none';
  /** Encoded frames whose overlays were blended straight into the decoded YUV frame, without the canvas (browser renders). */
  yuvFrames?: number;
  /** Encoding passes (browser renders): 2 after a target-size correction, or after a fast-path fallback found only once packets were copied (a mismatch found before the first copy encodes on in the same pass). */
  passes?: number;
  /** The video bitrate of the last pass, bit/s (browser renders; `null` for GIF). */
  videoBitrate?: number | null;
  /** Size of the output in bytes. */
  bytes: number;
  /** Where the output is (on the server route: the download): `opfs` (origin-private file system; outputs past 16 MiB) or `memory`. */
  storage: 'opfs' | 'memory';
  /** Bytes uploaded to the server for this job (0 in the browser, or when the server had every source). */
  uploadedBytes: number;
  /** Bytes downloaded from the server (0 in the browser). */
  downloadedBytes: number;
  /** Server route: sources sent as range-only copies (only the GOPs the edit uses, when that saves at least 30 %). */
  rangeOnlySources?: number;
  /** Where the time went in a browser render, for finding stalls (the bench prints it); not a stable contract. */
  timings?: RenderTimings;
}

/** Milliseconds the render loop spent per activity, and counts of codec under-runs. */
export interface RenderTimings {
  /** Validating, probing, planning, checking codecs, opening encoders and output. */
  setupMs: number;
  /** Waiting for decoded frames. */
  decodeWaitMs: number;
  /** Waiting for room in the video encoder's queue. */
  encodeWaitMs: number;
  /** Compositing on the canvas. */
  composeMs: number;
  /** Decoding, mixing and encoding audio. */
  audioMs: number;
  /** Muxing and writing the output. */
  muxMs: number;
  /** Opening decoders at segment starts. */
  openMs: number;
  /** Flushing the encoders at the end. */
  flushMs: number;
  /** Frames before which the video encoder had nothing queued. */
  encoderDry: number;
}

/** Expected seconds on one side, and where they go. */
export interface RouteEstimate {
  /** Seconds until the file is in the browser. */
  seconds: number;
  /** Seconds per part: `setup`, `decode`, `composite`, `encode`, `audio` (client); `latency`, `upload`, `queue`, `render`, `download` (server). */
  breakdown: Record<string, number>;
}

/** The router's answer for a project, from {@link Engine.estimate}. */
export interface RouteDecision {
  /** The estimate for this browser. */
  client: RouteEstimate;
  /** The estimate for the server, or `null` without a server (none configured, unreachable, offline). */
  server: RouteEstimate | null;
  /** Where `render(…, { route: 'auto' })` runs the job. */
  choice: 'client' | 'server';
  /** Why, most important first, in words for the user. */
  reasons: string[];
  /** False when this browser cannot render the job (a codec it cannot handle, or the memory budget). */
  clientFeasible: boolean;
  /** True when the server can take the job now. */
  serverFeasible: boolean;
  /** The work the estimate priced (output frames and pixels, decoding per layer, bytes to move). */
  features: Record<string, unknown>;
  /** The plan's needs per source id (`{ wholeFile, video, audio }` ranges): what a range-only upload keeps. */
  needs: Record<string, unknown>;
}

/** A finished render. */
export interface RenderResult {
  /** The file. With `storage: 'opfs'` it is backed by a file of this engine, kept until the engine is gone (the next engine removes it). */
  blob: Blob;
  /** Its type with codecs, e.g. `video/mp4; codecs="avc1.64001f, opus"`. */
  mimeType: string;
  /** Where it was rendered. */
  route: 'client' | 'server';
  /** Why that route was taken. */
  reason: string;
  /** Facts about the job. */
  stats: RenderStats;
  /** Problems that did not stop the render (bad cues in subtitles files). */
  warnings: RenderWarning[];
}

/** A render in progress, returned at once by {@link Engine.render}. */
export interface RenderJob {
  /** The job's id within its engine. */
  id: number;
  /** Resolves with the result; rejects with a {@link FrameloomError}, or a `DOMException` named `AbortError` when cancelled. */
  done: Promise<RenderResult>;
  /** Cancels the job (the same as aborting its signal). */
  cancel(): void;
}

/** Open codecs and unclosed media objects in the engine's worker (all 0 when no job runs). */
export interface DebugStats {
  videoDecoders: number;
  audioDecoders: number;
  videoEncoders: number;
  audioEncoders: number;
  videoFrames: number;
  audioData: number;
  /** Overlay (text, caption, image) `ImageBitmap`s not closed yet. */
  imageBitmaps: number;
}

/** Options of `Engine.thumbnail`. */
export interface ThumbnailOptions {
  /** Seconds into the timeline (default 0; past the end: the last frame). */
  time?: number;
  /** Picture format (default `png`). */
  format?: 'png' | 'jpeg';
  /** Fit into this width (keeping proportions; default: output size). */
  width?: number;
  /** Fit into this height. */
  height?: number;
  /** The project's media files, by source id (not for a video Blob). */
  files?: Record<string, Blob>;
}

/** Options of `Engine.spriteSheet`. */
export interface SpriteSheetOptions {
  /** Frames, spread evenly over the timeline (default 10, at most 1000). */
  count?: number;
  /** Cells per row (default 5). */
  columns?: number;
  /** Cell width in pixels (default 160). */
  width?: number;
  /** Cell height (default: the output's proportions). */
  height?: number;
  /** Picture format (default `png`). */
  format?: 'png' | 'jpeg';
  /** The project's media files, by source id (not for a video Blob). */
  files?: Record<string, Blob>;
}

/** A still picture. */
export interface Still {
  /** The PNG or JPEG. */
  blob: Blob;
  /** Width in pixels. */
  width: number;
  /** Height in pixels. */
  height: number;
}

/** A thumbnail: a still and the time of the frame shown. */
export interface Thumbnail extends Still {
  /** Start time of the frame, in seconds. */
  time: number;
}

/** A sprite sheet and where each frame is in it. */
export interface SpriteSheet extends Still {
  /** One cell per frame, in time order. */
  cells: Array<{ x: number; y: number; width: number; height: number; time: number }>;
}

/** A face added by `Engine.loadFont`. */
export interface FontFace {
  family: string;
  weight: number;
  italic: boolean;
}

/** A problem that did not stop a render: a bad cue in a subtitles file (the valid cues were used). */
export interface RenderWarning {
  code: string;
  message: string;
  /** JSON path of the layer's source, e.g. `scenes[0].layers[2].source`. */
  path: string;
  /** 1-based line in the subtitles file. */
  line: number;
}

/** One problem with a project (validation or planning against its media). */
export interface ProjectProblem {
  /** JSON path of the field to change, e.g. `scenes[0].layers[0].trimEnd`. */
  path: string;
  /** What is wrong and what to do. */
  message: string;
  /** A stable code, e.g. `out_of_range`, `trim_past_end`. */
  code: string;
}

/** One caption read from an SRT or WebVTT file. Times are in microseconds. */
export interface SubtitleCue {
  /** The cue identifier (the SRT number or WebVTT id), if any. */
  id?: string;
  /** When it appears, in microseconds. */
  startUs: number;
  /** When it disappears, in microseconds (after `startUs`). */
  endUs: number;
  /** Plain text (markup removed); `\n` breaks lines. */
  text: string;
  /** WebVTT positioning settings (`line`, `position`, `size`, `align`); empty for SRT. */
  settings: Record<string, unknown>;
}

/** A problem at a line of a subtitles file (the cue was skipped or kept without a setting). */
export interface SubtitleProblem {
  /** 1-based line number. */
  line: number;
  /** A stable code, e.g. `subtitle_bad_timestamp`, `subtitle_missing_timing`. */
  code: string;
  /** What is wrong and what happened to the cue. */
  message: string;
}

/** What {@link Engine.parseSubtitles} read. */
export interface ParsedSubtitles {
  /** The valid cues, in file order. */
  cues: SubtitleCue[];
  /** Problems found, by line (at most 100, then one summary). */
  errors: SubtitleProblem[];
}

/** An error reported by the engine, with a stable machine-readable `code`. */
export class FrameloomError extends Error {
  constructor(code: ErrorCode, message: string, details?: Record<string, unknown>);
  /** The stable error code. */
  readonly code: ErrorCode;
  readonly name: 'FrameloomError';
  /** `codec_unsupported`: the codec string this browser cannot handle. */
  readonly codec?: string;
  /** `codec_unsupported`: `decode` or `encode`. */
  readonly action?: 'decode' | 'encode';
  /** `missing_file`, `corrupt_source`, `decode_failed`, `codec_unsupported` (decoding): the source id. */
  readonly sourceId?: string;
  /** `corrupt_source`: the container reader's code (`truncated`, `malformed`, …). */
  readonly containerCode?: string;
  /** `invalid_project`: every problem found. */
  readonly errors?: ProjectProblem[];
  /** `server_failed`: the server's own error code (e.g. `ffmpeg_failed`). */
  readonly serverCode?: string;
  /** `server_busy`: seconds the server asked to wait. */
  readonly retryAfter?: number | null;
}

/** Why {@link Engine.ingest} made (or wanted) a preview proxy. */
export type ProxyReason = 'not_decodable' | 'resolution' | 'bitrate';

/** The result of {@link Engine.ingest}. */
export interface IngestResult {
  /** The file's probe. */
  probe: ProbeInfo;
  /**
   * A 480p H.264 MP4 preview of the whole file, when one was made. For preview only: renders
   * (exports) always read the original file.
   */
  proxy?: Blob;
  /**
   * Why a proxy is needed: this browser cannot decode the video (`not_decodable`, e.g. HEVC in
   * Chromium), it is taller than 1080 pixels (`resolution`), or its bitrate is above twice the
   * typical one for its size and frame rate, 0.1 bit per pixel per frame (`bitrate`).
   */
  proxyReason?: ProxyReason;
  /** Where the proxy was made: in this browser, or on the render server (`not_decodable`). */
  proxyRoute?: 'client' | 'server';
  /** Set when a proxy is needed but cannot be made (`server_unavailable`: the browser cannot decode the file and no server is configured). */
  proxyError?: { code: string; message: string };
}

/** A frameloom engine: one dedicated worker running the wasm core. */
export class Engine {
  /** Starts the worker and loads the wasm; rejects with a {@link FrameloomError} (`worker_failed`, `wasm_init_failed`) if either fails. */
  static create(options?: EngineOptions): Promise<Engine>;
  /** Base URL of a frameloom render server, or `null` when none was given. */
  readonly server: string | null;
  /** Reads the container headers of a `File` or `Blob`; rejects with a {@link FrameloomError} (e.g. `unknown_format`, `truncated`). */
  probe(blob: Blob): Promise<ProbeInfo>;
  /**
   * Estimates the render in this browser and on the server (measuring this device once, cached in
   * IndexedDB, and asking the server's `/capacity`) and says where `auto` would run it, and why.
   */
  estimate(project: object | string, files?: Record<string, Blob>): Promise<RouteDecision>;
  /**
   * Renders `project` (a v1 project object or its JSON) with the given files. Returns at once;
   * the job's `done` settles when the file is ready.
   */
  render(project: object | string, options?: RenderOptions): RenderJob;
  /**
   * Adds a TTF/OTF/TTC font to the worker for every later render (families and fallback);
   * rejects with a {@link FrameloomError} (`font_invalid`, `font_unsupported`, `font_too_large`).
   */
  loadFont(bytes: ArrayBuffer | ArrayBufferView | Blob): Promise<FontFace[]>;
  /**
   * Reads SRT or WebVTT text with the core's parser (the one renders use). `format` defaults to
   * WebVTT when the text starts with `WEBVTT`, else SRT. Rejects with `invalid_argument` (not a
   * string, unknown format) or `limit_exceeded` (above 16 MiB).
   */
  parseSubtitles(text: string, options?: { format?: 'srt' | 'vtt' }): Promise<ParsedSubtitles>;
  /**
   * Probes a file and, when editing it directly would be slow or impossible here, makes a 480p
   * preview proxy, in this browser or on the render server (see {@link IngestResult}).
   * Exports always use the original.
   */
  ingest(file: Blob, options?: { signal?: AbortSignal; onProgress?: (event: RenderProgress) => void }): Promise<IngestResult>;
  /** The frame showing at `options.time` seconds of a project (with `options.files`) or of a video file, as PNG or JPEG. */
  thumbnail(source: object | string | Blob, options?: ThumbnailOptions): Promise<Thumbnail>;
  /** `options.count` frames spread over the timeline of a project or video file, in one grid picture. */
  spriteSheet(source: object | string | Blob, options?: SpriteSheetOptions): Promise<SpriteSheet>;
  /** Open codecs, unclosed frames and overlay bitmaps in the worker (for leak checks). */
  debugStats(): Promise<DebugStats>;
  /** Stops the worker; pending and later calls reject with code `terminated`. */
  terminate(): void;
}
