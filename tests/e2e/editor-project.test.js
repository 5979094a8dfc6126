// The editor's model and project generator (www/editor/), in Node: every project the page can
// build validates with the real `frameloom-server validate`; edits keep times consistent.
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { promisify } from 'node:util';
import * as model from '../../www/editor/model.js';
import { EditorError, toProject } from '../../www/editor/project.js';
import { formatOf, fromParsed } from '../../www/editor/subtitles.js';
import { repoRoot } from './fixtures.js';

const run = promisify(execFile);
let dir;
let server;

before(async () => {
  execFileSync('cargo', ['build', '--quiet', '-p', 'frameloom-server'], { cwd: repoRoot, stdio: ['ignore', 'inherit', 'inherit'] });
  server = path.join(repoRoot, 'target/debug/frameloom-server');
  dir = await mkdtemp(path.join(tmpdir(), 'frameloom-editor-'));
});

after(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** `frameloom-server validate` on `project`: `{ valid, errors }`. */
async function validate(project) {
  const file = path.join(dir, `p${Math.random().toString(16).slice(2)}.json`);
  await writeFile(file, JSON.stringify(project));
  try {
    const { stdout } = await run(server, ['validate', file]);
    return JSON.parse(stdout);
  } catch (error) {
    return JSON.parse(error.stdout);
  }
}

/** Cues as the page keeps them (read from an SRT file by the engine, see editor.test.js). */
const CUES = [
  { start: 0.5, end: 1.5, text: 'Hello there' },
  { start: 1.6, end: 2.4, text: 'Second\nline' },
];

/** A state with two clips (one silent), an image, music, a text and subtitles, after some edits. */
function busyState() {
  const state = model.emptyState();
  const a = model.addMedia(state, { kind: 'video', name: 'a.mp4', size: 1000, duration: 2, width: 320, height: 240, hasAudio: true });
  const b = model.addMedia(state, { kind: 'video', name: 'b b.webm', size: 2000, duration: 2, width: 320, height: 240 });
  const img = model.addMedia(state, { kind: 'image', name: 'logo.png', size: 10 });
  const music = model.addMedia(state, { kind: 'audio', name: 'tone.m4a', size: 10, duration: 4 });
  const ia = model.addMediaItem(state, a);
  const ib = model.addMediaItem(state, b);
  model.trimItem(state, ia, 'start', 0.5); // a plays 0.5–2
  model.trimItem(state, ib, 'end', 1.5); // b plays 0–1.5
  model.addMediaItem(state, img, 0.2);
  model.addMediaItem(state, music, 0);
  const text = model.addText(state, 'Title\nline two', 0.1);
  model.moveItem(state, text, 0.3);
  model.addSubtitles(state, CUES, 1.6);
  return { state, ia, ib };
}

test('a busy editor state gives a valid v1 project', async () => {
  const { state } = busyState();
  const project = toProject(state);
  assert.deepEqual(await validate(project), { valid: true, errors: [] });
  assert.equal(project.output.width, 320);
  assert.equal(project.scenes.length, 2);
  assert.deepEqual(project.scenes[0].layers.map((l) => l.type), ['video', 'image', 'audio', 'text', 'subtitles']);
  assert.deepEqual(project.scenes[0].layers[0], { type: 'video', source: 'm1', start: 0.5, trimStart: 0.5, trimEnd: 2 });
  assert.deepEqual(Object.keys(project.sources).sort(), ['m1', 'm2', 'm3', 'm4']);
});

test('export options: formats, resolutions and target sizes validate', async () => {
  const { state } = busyState();
  for (const options of [
    { format: 'webm', width: 641, height: 361, quality: 'low' },
    { format: 'mp4', width: 1920, height: 1080, targetSizeBytes: 10e6 },
    { format: 'gif', width: 321, height: 241 },
  ]) {
    const project = toProject(state, options);
    assert.deepEqual(await validate(project), { valid: true, errors: [] }, JSON.stringify(options));
  }
  assert.throws(() => toProject(state, { targetSizeBytes: 10 }), (e) => e instanceof EditorError && e.code === 'invalid_option');
  assert.throws(() => toProject(model.emptyState()), (e) => e.code === 'empty_timeline');
});

test('split, delete and scene reorder keep the project valid', async () => {
  const { state, ia, ib } = busyState();
  const second = model.splitItem(state, ia, 1.25); // scene 0 starts at 0; a plays 0.5–2 from 0.5
  assert.ok(second);
  const { item: left } = model.findItem(state, ia);
  const { item: right } = model.findItem(state, second);
  assert.deepEqual([left.trimStart, left.trimEnd, right.start, right.trimStart, right.trimEnd], [0.5, 1.25, 1.25, 1.25, 2]);
  assert.equal(model.splitItem(state, ia, 5), null);
  const sub = state.scenes[0].items.find((i) => i.track === 'subtitles');
  const offset = model.sceneOffsets(state)[0];
  const subSecond = model.splitItem(state, sub.id, offset + sub.start + 1);
  assert.ok(subSecond);
  model.moveScene(state, 1, 0);
  assert.equal(state.scenes[0].items[0].id, ib);
  model.deleteItem(state, ib);
  assert.equal(state.scenes.length, 1);
  const project = toProject(state);
  assert.deepEqual(await validate(project), { valid: true, errors: [] });
  assert.ok(project.scenes[0].layers.filter((l) => l.type === 'subtitles').every((l) => l.cues.length));
});

test('trims stay inside the media and never shorter than the minimum', () => {
  const state = model.emptyState();
  const m = model.addMedia(state, { kind: 'video', name: 'a.mp4', size: 1, duration: 2 });
  const id = model.addMediaItem(state, m);
  model.trimItem(state, id, 'end', 10);
  model.trimItem(state, id, 'start', -3);
  const { item } = model.findItem(state, id);
  assert.deepEqual([item.start, item.trimStart, item.trimEnd], [0, 0, 2]);
  model.trimItem(state, id, 'start', 1.99);
  assert.ok(model.itemLength(item) >= model.MIN_LENGTH - 1e-9);
});

test('scene drop index: a dragged scene lands after the scenes whose middle it passed', () => {
  const state = model.emptyState();
  const m = model.addMedia(state, { kind: 'video', name: 'a.mp4', size: 1, duration: 2 });
  for (let i = 0; i < 3; i++) model.addMediaItem(state, m); // a video makes a scene: scenes at 0, 2, 4
  assert.equal(state.scenes.length, 3);
  assert.equal(model.sceneDropIndex(state, 2, 5), 2); // not moved
  assert.equal(model.sceneDropIndex(state, 2, 2.5), 1); // past scene 0's middle only
  assert.equal(model.sceneDropIndex(state, 2, 0.5), 0);
  assert.equal(model.sceneDropIndex(state, 0, 3.5), 1);
  assert.equal(model.sceneDropIndex(state, 0, 9), 2);
});

test("subtitles: the engine's cues become page cues in seconds; problems are listed by line", () => {
  assert.equal(formatOf('a.SRT'), 'srt');
  assert.equal(formatOf('b.vtt'), 'vtt');
  assert.equal(formatOf('c.txt'), undefined);
  const parsed = {
    cues: [
      { id: '2', startUs: 1_600_000, endUs: 2_400_000, text: 'Second\nline', settings: {} },
      { id: '1', startUs: 500_000, endUs: 1_500_000, text: 'Hello there', settings: {} },
    ],
    errors: [{ line: 9, code: 'subtitle_bad_timestamp', message: 'cannot read the time "x"; this cue was skipped' }],
  };
  assert.deepEqual(fromParsed(parsed), { cues: CUES, problems: ['line 9: cannot read the time "x"; this cue was skipped'] });
  assert.throws(() => fromParsed({ cues: [], errors: [{ line: 1, message: 'expected a timing line' }] }),
    (e) => e.code === 'no_cues' && /not SRT or WebVTT \(line 1: expected a timing line\)/.test(e.message));
});
