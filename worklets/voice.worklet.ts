/**
 * The one AudioWorklet module the SDK loads: it registers both processors, so a context needs one `addModule()`.
 * One module rather than one per processor because the two share their resampler and sinc filter: bundled together
 * they carry that code once (about 300 B less min+gzip than two modules, measured by `scripts/package-size.mjs`).
 * Each processor stays a module of its own, so a test can load one alone. Playback first: 9 B less gzip than the
 * other order.
 */
import './playback.worklet.ts';
import './capture.worklet.ts';
