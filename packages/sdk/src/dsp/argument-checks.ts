/**
 * Whether the DSP classes check their arguments (and throw a RangeError with a message that says what is wrong).
 * True everywhere except in the bundled worklet module, whose build (`tools/worklet-inline-plugin.ts`) swaps this
 * module for one where it is `false`, so the bundler drops each check and its message: inside a worklet every argument
 * comes from the processors, built from options the main thread has checked already, a check in `process()` would
 * break the rule that it validates nothing, and the messages would only add to what a page downloads (about 400 B
 * min+gzip). The limit on the filter a rate pair needs (the context's sample rate is the browser's choice) is checked
 * everywhere; only its message is shorter in the worklet.
 * @module
 */
export const CHECK_ARGUMENTS: boolean = true;
