// Runs the smoke test against the IIFE build's global, as a page with a plain <script src> tag would use it.
import { runSmoke } from './smoke.mjs';

window.smoke = runSmoke(window.SavantsVoice ?? {});
