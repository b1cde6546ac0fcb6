declare module '*?worklet-inline' {
  /** The worklet bundled into one self-contained script. */
  const code: string;
  export default code;
}
