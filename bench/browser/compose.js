// The compose case of issue #4 §8 (two 4 s 720p clips spliced, a logo PNG over the whole,
// 20 subtitle cues → MP4) as a frameloom project and as a Mediabunny `process` step drawing
// the same overlays on a canvas; and the in-worker caption raster bench (raster-worker.js).

/** Where the logo goes, in output pixels (720p), and its opacity. */
const LOGO = { x: 1000, y: 40, width: 240, height: 96, opacity: 0.8 };
/** Caption style: white 40 px with a 2 px black outline, at the bottom, 5 % margin. */
const CAPTION = { size: 40, outline: 2, bottomMargin: 0.05 };
/** 20 cues over the 8 s timeline, one every 0.4 s, each shown for 0.35 s. */
const CUES = Array.from({ length: 20 }, (_, i) => ({
  start: i * 0.4, end: i * 0.4 + 0.35, text: `Subtitle ${i + 1}: the quick brown fox jumps`,
}));

/** A 240×96 PNG with alpha (a rounded translucent badge with a word), made once. */
let logo;
export async function logoBlob() {
  if (logo) return logo;
  const canvas = new OffscreenCanvas(LOGO.width, LOGO.height);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = 'rgba(20, 90, 200, 0.75)';
  ctx.beginPath();
  ctx.roundRect(0, 0, LOGO.width, LOGO.height, 24);
  ctx.fill();
  ctx.fillStyle = '#fff';
  ctx.font = 'bold 48px sans-serif';
  ctx.textAlign = 'center';
  ctx.textBaseline = 'middle';
  ctx.fillText('LOGO', LOGO.width / 2, LOGO.height / 2);
  logo = await canvas.convertToBlob({ type: 'image/png' });
  return logo;
}

/**
 * The overlay layers of scene `index` (of scenes lasting `seconds`): the logo for the whole
 * scene and the cues that start in it, on the scene's clock.
 */
export function overlayLayers(index, seconds) {
  const from = index * seconds;
  const cues = CUES.filter((c) => c.start >= from && c.start < from + seconds)
    .map((c) => ({ start: c.start - from, end: Math.min(c.end, from + seconds) - from, text: c.text }));
  return [
    { type: 'image', source: 'logo', ...LOGO, fit: 'fill' },
    { type: 'subtitles', cues, style: { size: CAPTION.size, outline: { width: CAPTION.outline, color: '#000000' } } },
  ];
}

/**
 * A Mediabunny `process` step drawing the same overlays over each `width × height` sample:
 * the frame, the logo (decoded once) and the cue showing at the sample's time (canvas text).
 */
export async function overlayProcess(width, height) {
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d', { alpha: false });
  const image = await createImageBitmap(await logoBlob());
  ctx.font = `${CAPTION.size}px sans-serif`;
  ctx.textAlign = 'center';
  ctx.textBaseline = 'bottom';
  ctx.lineWidth = CAPTION.outline * 2;
  ctx.lineJoin = 'round';
  ctx.strokeStyle = '#000';
  ctx.fillStyle = '#fff';
  const process = (sample) => {
    sample.draw(ctx, 0, 0, width, height);
    ctx.globalAlpha = LOGO.opacity;
    ctx.drawImage(image, LOGO.x, LOGO.y, LOGO.width, LOGO.height);
    ctx.globalAlpha = 1;
    const cue = CUES.find((c) => sample.timestamp >= c.start - 1e-6 && sample.timestamp < c.end);
    if (cue) {
      const y = height * (1 - CAPTION.bottomMargin);
      ctx.strokeText(cue.text, width / 2, y);
      ctx.fillText(cue.text, width / 2, y);
    }
    return canvas;
  };
  return { process, close: () => image.close() };
}

/** The in-worker raster bench: `count` cues at 1080p, distinct and then 10 texts repeated. */
export async function runRaster({ count, reps }) {
  const worker = new Worker(new URL('./raster-worker.js', import.meta.url), { type: 'module' });
  try {
    return await new Promise((resolve, reject) => {
      worker.onmessage = ({ data }) => (data.ok ? resolve(data.result) : reject(new Error(data.message)));
      worker.onerror = (e) => reject(new Error(e.message));
      worker.postMessage({ count, reps });
    });
  } finally {
    worker.terminate();
  }
}
